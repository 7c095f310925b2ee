# usage: python3 gen_json.py SEED N  -> writes ../json_v3.tsv (body hex, v3's ARGS and errors)
import os, random, subprocess, re, sys
d=os.path.dirname(os.path.abspath(__file__))+'/'
random.seed(int(sys.argv[1]))
n=int(sys.argv[2])
bases=[b'{"a":1,"b":[1,{"c":true}],"":null,"d":[[1,2],[]],"e":{}}', b'[{"a":"x"},2,false,null,-1.5e3]',
       b'{"k\\u0041":"v\\n\\t\\u00e9","n":{"m":{"o":[0.5,"s"]}}}', b'"top"', b'123', b'{"a":{"b":{"c":{"d":1}}},"z":[[[[]]]]}',
       b'{"x":"\\ud83d\\ude00","y":"\\ud800z","w":"a\\/b"}', b'[[],{},[{}],{"":[]}]']
alpha=[b'{',b'}',b'[',b']',b':',b',',b'"',b'\\',b'u',b'0',b'1',b'9',b'e',b'E',b'.',b'-',b'+',b't',b'f',b'n',b' ',b'\n',b'/',b'\x01',b'\xc3',b'\xa9',b'\xff',b'"a"',b'"k":',b'null',b'true',b'\\u00',b'\\ud800']
def mutate(b):
    b=bytearray(b)
    for _ in range(random.randint(0,3)):
        if not b: b+=random.choice(alpha); continue
        i=random.randrange(len(b)+1); op=random.random()
        if op<0.45: b[i:i]=random.choice(alpha)
        elif op<0.8 and i<len(b): del b[i:i+random.randint(1,2)]
        elif op<0.9: b=b[:i]
        else: j=random.randrange(len(b)); b[j:j]=b[i:i+random.randint(1,6)]
    return bytes(b)
open(d+'h.txt','w').write('Content-Type: application/json\n')
rows=0
with open(d+'../json_v3.tsv','w') as f:
    f.write('# body (hex)\tlibmodsecurity 3.0.9 ARGS and REQBODY_ERROR_MSG\n')
    while rows<n:
        body=mutate(random.choice(bases))
        if b'|' in body: continue
        open(d+'b.txt','wb').write(body)
        out=subprocess.run([d+'oracle',d+'dump.conf','POST','/x',d+'h.txt',d+'b.txt'],capture_output=True).stdout.decode('latin1')
        m=re.search(r'\[msg "START(.*?)"\] \[data', out, re.S)
        if not m: continue
        items=[i for i in m.group(1).split('|') if i.startswith('ARGS:') or i.startswith('REQBODY_ERROR_MSG:')]
        r=' | '.join(items)
        if '\\' in r.replace('\\x',''): continue
        f.write(body.hex()+'\t'+r+'\n'); rows+=1
print('rows', rows)
