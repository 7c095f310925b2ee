import json, glob, os, re, urllib.parse, sys
vals = set()
def add(v):
    if isinstance(v, str): v = v.encode('utf-8', 'surrogateescape')
    if len(v) > 4000: v = v[:4000]
    vals.add(v); vals.add(v.lower())
for line in open(os.path.join(os.environ.get('PALISADE_BENCH_DIR', os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../../../shared/bench')), 'requests.jsonl')):
    r = json.loads(line)
    uri = r['uri']
    path, _, q = uri.partition('?')
    add(urllib.parse.unquote_to_bytes(path))
    for part in q.split('&'):
        if not part: continue
        k, _, v = part.partition('=')
        add(urllib.parse.unquote_to_bytes(k.replace('+', ' '))); add(urllib.parse.unquote_to_bytes(v.replace('+', ' ')))
    ct = ''
    for k, v in r['headers']:
        add(v)
        if k.lower() == 'content-type': ct = v.lower()
        if k.lower() == 'cookie':
            for c in v.split(';'):
                a, _, b = c.strip().partition('='); add(a); add(b)
    b = r['body']
    if b:
        add(b)
        if 'json' in ct:
            try:
                def walk(x):
                    if isinstance(x, str): add(x)
                    elif isinstance(x, list): [walk(y) for y in x]
                    elif isinstance(x, dict): [ (add(k), walk(y)) for k, y in x.items()]
                walk(json.loads(b))
            except Exception: pass
        elif 'urlencoded' in ct:
            for part in b.split('&'):
                k, _, v = part.partition('=')
                add(urllib.parse.unquote_to_bytes(k.replace('+', ' '))); add(urllib.parse.unquote_to_bytes(v.replace('+', ' ')))
# CRS regression payloads: data: and uri: fields, decoded
for f in glob.glob(os.path.join(os.environ.get('PALISADE_CRS_DIR', os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../../../shared/crs')), 'tests/regression/tests/**/*.yaml'), recursive=True):
    for m in re.finditer(r'^\s*(?:data|uri|value):\s*(.*)$', open(f, encoding='utf-8', errors='surrogateescape').read(), re.M):
        s = m.group(1).strip().strip('"').strip("'")
        add(s)
        try: add(urllib.parse.unquote_to_bytes(s.replace('+', ' ')))
        except Exception: pass
vals = sorted(v for v in vals if b'\n' not in v or True)
print(len(vals), file=sys.stderr)
with open('values.hex', 'w') as o:
    for v in vals: o.write(v.hex() + '\n')
