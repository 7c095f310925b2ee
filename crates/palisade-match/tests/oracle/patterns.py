"""Writes patterns.json: the distinct @rx patterns of CRS (../shared/crs), in file order."""
import glob, json, os, re, sys
crs = os.environ.get('PALISADE_CRS_DIR', os.path.join(os.path.dirname(__file__), '../../../../../shared/crs'))
files = [os.path.join(crs, 'crs-setup.conf.example')] + sorted(glob.glob(os.path.join(crs, 'rules/*.conf')))
pats = []
for f in files:
    buf, logical = '', []
    for l in open(f, encoding='utf-8').read().split('\n'):
        if l.endswith('\\'):
            buf += l[:-1]
            continue
        logical.append(buf + l)
        buf = ''
    for s in (l.strip() for l in logical):
        if not re.match(r'SecRule\s', s):
            continue
        i, toks = 7, []
        while i < len(s) and len(toks) < 2:
            while i < len(s) and s[i] in ' \t':
                i += 1
            if s[i] == '"':
                j, t = i + 1, ''
                while j < len(s):
                    if s[j] == '\\' and j + 1 < len(s) and s[j + 1] == '"':
                        t += '"'; j += 2; continue
                    if s[j] == '"':
                        break
                    t += s[j]; j += 1
                toks.append(t); i = j + 1
            else:
                j = i
                while j < len(s) and s[j] not in ' \t':
                    j += 1
                toks.append(s[i:j]); i = j
        op = toks[1].lstrip('!')
        if op.startswith('@rx '):
            pats.append(op[4:])
        elif not op.startswith('@'):
            pats.append(op)
distinct = list(dict.fromkeys(pats))
print(len(pats), 'operators,', len(distinct), 'distinct', file=sys.stderr)
json.dump(distinct, open('patterns.json', 'w'))
