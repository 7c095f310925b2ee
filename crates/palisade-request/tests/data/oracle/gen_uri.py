# usage: python3 gen_uri.py SEED N -> writes ../uri_v3.tsv: request-target (hex), Cookie header
# value (hex) and the URI, ARGS_GET, URLENCODED_ERROR and cookie variables v3 set.
import os, random, subprocess, re, sys
d=os.path.dirname(os.path.abspath(__file__))+'/'
random.seed(int(sys.argv[1])); n=int(sys.argv[2])
ualpha=['/','%','%2','%2f','%3f','%3F','%41','%zz','%%','+','?','#','&','=',';','a','b','.php','\\','..','//','http:','https://h','%00x',' ','*']
calpha=[';',' ','=','a','b','c','\t','==',';;','%41','+',',']
def gen(alpha, k): return ''.join(random.choice(alpha) for _ in range(random.randint(0,k)))
rows=0
with open(d+'../uri_v3.tsv','w') as f:
    f.write('# target (hex)\tCookie value (hex)\tlibmodsecurity 3.0.9 variables\n')
    while rows<n:
        uri=gen(ualpha, 12)
        if random.random()<0.7: uri='/'+uri
        if '%00' in uri or uri == '' : continue
        cookie=gen(calpha, 14).lstrip(' ')
        open(d+'h.txt','w').write(('Cookie: '+cookie+'\n') if cookie else '')
        open(d+'b.txt','wb').write(b'')
        out=subprocess.run([d+'oracle',d+'dump.conf','GET',uri,d+'h.txt',d+'b.txt'],capture_output=True).stdout.decode('latin1')
        m=re.search(r'\[msg "START(.*?)"\] \[data', out, re.S)
        if not m: continue
        want=('ARGS_GET:','REQUEST_URI:','REQUEST_URI_RAW:','REQUEST_FILENAME:','REQUEST_BASENAME:','QUERY_STRING:','PATH_INFO:','REQUEST_LINE:','URLENCODED_ERROR:','REQUEST_COOKIES:','REQUEST_COOKIES_NAMES:')
        items=[i for i in m.group(1).split('|') if i.startswith(want)]
        r=' | '.join(items)
        if '|' in uri or '|' in cookie or '\\' in r.replace('\\x',''): continue
        f.write(uri.encode().hex()+'\t'+cookie.encode().hex()+'\t'+r+'\n'); rows+=1
print('rows', rows)
