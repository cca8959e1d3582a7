#!/usr/bin/env python3
"""Summarises the CPU samples of a JFR recording: by thread group and by top frame.

    jfr print --events jdk.ExecutionSample rec.jfr > samples.txt
    python3 bench/jfr-summary.py samples.txt
"""
import collections
import re
import sys


def thread_group(name):
    name = re.sub(r'\d+', 'N', name)
    return name[:60]


def main(path):
    threads = collections.Counter()
    tops = collections.Counter()
    syncline = collections.Counter()
    total = 0
    thread = None
    frames = []
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            s = line.strip()
            if s.startswith('jdk.ExecutionSample'):
                if thread is not None and frames:
                    total += 1
                    threads[thread] += 1
                    tops[frames[0]] += 1
                    own = next((fr for fr in frames if fr.startswith('io.syncline')), None)
                    if own:
                        syncline[own] += 1
                thread, frames = None, []
            elif s.startswith('sampledThread'):
                m = re.search(r'"(.*)"', s)
                thread = thread_group(m.group(1) if m else s)
            elif re.match(r'^[\w$.]+\(.*\)', s) and '.' in s:
                frames.append(re.sub(r'\s+line:.*', '', s))
    if thread is not None and frames:
        total += 1
        threads[thread] += 1
        tops[frames[0]] += 1
    print(f'{total} CPU samples')
    for title, counter in (('threads', threads), ('top frames', tops), ('nearest Syncline frame', syncline)):
        print(f'\n-- {title}')
        for key, n in counter.most_common(15):
            print(f'{100.0 * n / max(total, 1):5.1f}%  {key}')


if __name__ == '__main__':
    main(sys.argv[1])
