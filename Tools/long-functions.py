#!/usr/bin/env python3
"""List Swift functions (func, init, deinit, computed vars with bodies) longer than N lines.

usage: long-functions.py [--check] [N=80] DIR...   (prints LINES FILE:LINE NAME, longest first)
With --check (as `make lint` runs it) it exits 1 when a long function is not marked.
Braces inside string literals and comments are ignored; a function's length runs from its
declaration line to its closing brace. A comment line containing "long-function:" just
above a declaration marks it as deliberately long (listed with a '#').
"""
import os, re, sys

DECL = re.compile(r'^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|private|fileprivate|internal|static|'
                  r'class|final|override|mutating|nonmutating|@inlinable|@discardableResult|'
                  r'convenience|required|nonisolated)\s+)*(func\s+[^\s(<]+|init[?!]?|deinit)\b')

def strip(src):
    """Replace string literal and comment contents with spaces, keeping newlines."""
    out = []; i = 0; n = len(src)
    while i < n:
        c = src[i]
        if src.startswith('//', i):
            j = src.find('\n', i); j = n if j < 0 else j
            out.append(' ' * (j - i)); i = j
        elif src.startswith('/*', i):
            j = src.find('*/', i + 2); j = n if j < 0 else j + 2
            out.append(''.join(ch if ch == '\n' else ' ' for ch in src[i:j])); i = j
        elif src.startswith('"""', i):
            j = src.find('"""', i + 3); j = n if j < 0 else j + 3
            out.append(''.join(ch if ch == '\n' else ' ' for ch in src[i:j])); i = j
        elif c == '"':
            j = i + 1; depth = 0
            while j < n and src[j] != '\n':
                if src[j] == '\\' and j + 1 < n and src[j + 1] == '(':
                    depth += 1; j += 2; continue
                if src[j] == '\\': j += 2; continue
                if depth and src[j] == ')': depth -= 1
                elif not depth and src[j] == '"': j += 1; break
                j += 1
            out.append(' ' * (j - i)); i = j
        else:
            out.append(c); i += 1
    return ''.join(out)

def functions(path):
    raw = open(path, encoding='utf-8').read()
    lines = raw.split('\n')
    s = strip(raw).split('\n')
    for k, line in enumerate(s):
        m = DECL.match(line)
        if not m: continue
        depth = 0; opened = False
        for e in range(k, len(s)):
            for ch in s[e]:
                if ch == '{': depth += 1; opened = True
                elif ch == '}': depth -= 1
            if opened and depth <= 0:
                marked = any("long-function:" in lines[j] for j in range(k, min(len(lines), k + 8)))
                yield e - k + 1, k + 1, m.group(1), marked
                break
            if not opened and e > k and s[e].strip() == '': break  # protocol requirement

args = [a for a in sys.argv[1:] if a != '--check']
check = '--check' in sys.argv[1:]
limit = int(args[0]) if args and args[0].isdigit() else 80
dirs = [a for a in args if not a.isdigit()] or ['Sources']
found = []
for d in dirs:
    for root, _, files in os.walk(d):
        for f in files:
            if f.endswith('.swift'):
                p = os.path.join(root, f)
                for n, line, name, marked in functions(p):
                    if n > limit: found.append((n, p, line, name, marked))
for n, p, line, name, marked in sorted(found, reverse=True):
    print(f"{'#' if marked else ' '} {n:4d} {p}:{line} {name}")
unmarked = [f for f in found if not f[4]]
if check and unmarked:
    print(f"{len(unmarked)} function(s) over {limit} lines without a '// long-function: why' "
          "comment as the first line of the body: split them or say why", file=sys.stderr)
    sys.exit(1)
