# usage: python3 q.py CT METHOD URI BODY...   (bodies taken literally; '\\r\\n' style escapes via ESC: prefix)
import subprocess,sys
import os
d=os.path.dirname(os.path.abspath(__file__))+'/'
ct, method, uri = sys.argv[1:4]
open(d+'h.txt','w').write(('Content-Type: '+ct+'\n') if ct else '')
for body in sys.argv[4:]:
    raw = body.encode('utf-8','surrogateescape')
    if body.startswith('ESC:'): raw = body[4:].encode('latin1').decode('unicode_escape').encode('latin1')
    open(d+'b.txt','wb').write(raw)
    out=subprocess.run([d+'oracle',d+'dump.conf',method,uri,d+'h.txt',d+'b.txt'],capture_output=True).stdout.decode('latin1')
    import re
    m=re.search(r'\[msg "START(.*?)"\] \[data', out, re.S)
    items=m.group(1).split('|') if m else [out]
    items=[i for i in items if not i.endswith(':[]') and not i.startswith('REQUEST_') and not i.startswith('PATH_INFO') and not i.startswith('QUERY_STRING') and i not in ('URLENCODED_ERROR:[0]','REQBODY_PROCESSOR_ERROR:[0]','REQBODY_PROCESSOR_ERROR:[1]')]
    print(repr(raw)[:120],'=>'); [print('   ',i) for i in items]
