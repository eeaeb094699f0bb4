#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The house rules of core/ (docs/architecture.md), as a TAP test:
#   1. no core .c or .h file is over MAX_LINES lines;
#   2. every core file opens, after its SPDX line, with a comment stating its
#      concern;
#   3. the #include "..." graph between core files has no cycle. A file's
#      .c and .h are one room (cli.c and cli.h are "cli"), so cli.c including
#      engine.h while an engine room includes cli.h is a cycle.
# Usage: check-core-rooms.py SOURCE_ROOT
import os
import re
import sys

MAX_LINES = 900

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def core_files(core):
	for d, _, names in os.walk(core):
		for n in sorted(names):
			if n.endswith(('.c', '.h')):
				yield os.path.relpath(os.path.join(d, n), core)


def opens_with_concern(text):
	"""SPDX line, then a comment of at least one line of words."""
	lines = text.split('\n')
	if not lines or 'SPDX-License-Identifier' not in lines[0]:
		return False
	rest = lines[1:]
	if not rest or not rest[0].startswith('/*'):
		return False
	body = []
	for line in rest:
		body.append(line)
		if '*/' in line:
			break
	words = re.sub(r'[/*]', ' ', ' '.join(body)).split()
	return len(words) >= 4


def resolve(core, rel, inc):
	"""The core file @inc names from @rel: its own folder first, then core/."""
	for base in (os.path.dirname(rel), ''):
		cand = os.path.normpath(os.path.join(base, inc))
		if os.path.isfile(os.path.join(core, cand)):
			return cand
	return None


def room(rel):
	return os.path.splitext(rel)[0]


def find_cycle(graph):
	WHITE, GREY, BLACK = 0, 1, 2
	state = {n: WHITE for n in graph}
	stack = []

	def visit(n):
		state[n] = GREY
		stack.append(n)
		for m in sorted(graph[n]):
			if state.get(m, WHITE) == GREY:
				return stack[stack.index(m):] + [m]
			if state.get(m, WHITE) == WHITE:
				c = visit(m)
				if c:
					return c
		stack.pop()
		state[n] = BLACK
		return None

	for n in sorted(graph):
		if state[n] == WHITE:
			c = visit(n)
			if c:
				return c
	return None


def main():
	core = os.path.join(sys.argv[1], 'core')
	files = list(core_files(core))
	texts = {f: open(os.path.join(core, f), encoding='utf-8').read() for f in files}
	tests = []

	big = []
	for f in files:
		n = texts[f].count('\n')
		if n > MAX_LINES:
			big.append('%s: %d lines' % (f, n))
	tests.append(('no core file is over %d lines' % MAX_LINES, big,
		      'split it into rooms (docs/architecture.md)'))

	bare = [f for f in files if not opens_with_concern(texts[f])]
	tests.append(('every core file opens with a comment stating its concern', bare,
		      'after the SPDX line, say what the file is for and what it may not do'))

	graph = {}
	for f in files:
		deps = graph.setdefault(room(f), set())
		for line in texts[f].split('\n'):
			m = INCLUDE.match(line)
			if not m:
				continue
			target = resolve(core, f, m.group(1))
			if target and room(target) != room(f):
				deps.add(room(target))
	for deps in list(graph.values()):
		for d in deps:
			graph.setdefault(d, set())
	cycle = find_cycle(graph)
	tests.append(('the includes between core rooms have no cycle',
		      [' -> '.join(cycle)] if cycle else [],
		      'move what both need into a lower room'))

	print('1..%d' % len(tests))
	failed = False
	for i, (name, problems, hint) in enumerate(tests, 1):
		if problems:
			failed = True
			print('not ok %d - %s' % (i, name))
			for p in problems:
				print('# %s' % p)
			print('# %s' % hint)
		else:
			print('ok %d - %s' % (i, name))
	return 1 if failed else 0


if __name__ == '__main__':
	sys.exit(main())
