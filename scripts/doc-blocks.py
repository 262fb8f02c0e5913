#!/usr/bin/env python3
"""Extracts the ```sh blocks of a Markdown page into OUTDIR/block-N.sh and prints one line per block:
'run N LINE' or 'skip N LINE REASON', where a block preceded by <!-- hardware|server|skip: reason -->
is skipped. Fails (exit 1) on a block whose words hold an unquoted '&' (AT&T written bare), which
the shell would take for 'run in the background'. Usage: doc-blocks.py PAGE OUTDIR"""
import pathlib, re, shlex, sys

page, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
lines = page.read_text().splitlines()
marker = re.compile(r"<!--\s*(hardware|server|skip):\s*(.*?)\s*-->")
bad = 0
i, n = 0, 0
while i < len(lines):
    if lines[i].strip() == "```sh":
        start = i + 1
        j = start
        while lines[j].strip() != "```":
            j += 1
        n += 1
        body = "\n".join(lines[start:j]) + "\n"
        (out / f"block-{n}.sh").write_text(body)
        prev = next((l for l in reversed(lines[:i]) if l.strip()), "")
        m = marker.search(prev)
        lexer = shlex.shlex(body, posix=True, punctuation_chars=True)
        lexer.commenters = "#"
        if any(tok == "&" for tok in lexer):
            print(f"{page}:{start}: block {n} has a bare '&' (quote arguments such as \"AT&T\")", file=sys.stderr)
            bad += 1
        print(f"skip {n} {start} {m.group(1)}: {m.group(2)}" if m else f"run {n} {start}")
        i = j
    i += 1
sys.exit(1 if bad or n == 0 else 0)
