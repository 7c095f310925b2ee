# usage: python3 gen_xml.py SEED N -> writes ../xml_v3.tsv: body (hex), v3's XML:/* and
# XML://@* values and REQBODY_ERROR.
import os, random, subprocess, re, sys
d=os.path.dirname(os.path.abspath(__file__))+'/'
random.seed(int(sys.argv[1])); n=int(sys.argv[2])
bases=[b'<?xml version="1.0"?>\n<root a="1" b="x&amp;y"><c d="2">text<![CDATA[cd<>]]></c><!-- com -->tail &#65;&lt;<?pi x?></root>\n',
 b'<r xmlns="urn:x" xmlns:p="urn:p"><p:s p:k="v" k2=\'w\'>t</p:s><e/></r>',
 b'<!DOCTYPE r [<!ENTITY a "A"><!ENTITY b "&a;&a;">]><r x="&b;">&b;<i>&a;</i></r>',
 b'<soap:Envelope xmlns:soap="urn:s"><soap:Body><q id="1">select * from t</q></soap:Body></soap:Envelope>',
 b'<a><b><c><d>deep</d></c></b></a>', b'<x y="1\t2\n3"/>']
alpha=[b'<',b'>',b'/',b'"',b"'",b'=',b'&',b';',b'#',b'x',b'a',b' ',b'\n',b'\r',b'!',b'?',b'-',b'[',b']',b':',b'&amp;',b'&#x41;',b'<a>',b'</a>',b'<b/>',b'\xc3\xa9',b'\xff',b'\x01',b'&#0;',b'&#xD800;',b']]>',b'<![CDATA[',b'<!--',b'-->']
def mutate(b):
    b=bytearray(b)
    for _ in range(random.randint(0,2)):
        i=random.randrange(len(b)+1); op=random.random()
        if op<0.5: b[i:i]=random.choice(alpha)
        elif op<0.85 and i<len(b): del b[i:i+random.randint(1,2)]
        else: b=b[:i]
    return bytes(b)
open(d+'h.txt','w').write('Content-Type: text/xml\n')
rows=0
with open(d+'../xml_v3.tsv','w') as f:
    f.write('# body (hex)\tlibmodsecurity 3.0.9 (libxml2 2.9.14) REQBODY_ERROR, XML:/* and XML://@*\n')
    while rows<n:
        body=mutate(random.choice(bases))
        if b'|' in body: continue
        open(d+'b.txt','wb').write(body)
        out=subprocess.run([d+'oracle',d+'dump.conf','POST','/x',d+'h.txt',d+'b.txt'],capture_output=True).stdout.decode('latin1')
        m=re.search(r'\[msg "START(.*?)"\] \[data', out, re.S)
        if not m: continue
        items=[i for i in m.group(1).split('|') if i.startswith(('XML','REQBODY_ERROR:'))]
        r=' | '.join(items)
        if '\\' in r.replace('\\x',''): continue
        f.write(body.hex()+'\t'+r+'\n'); rows+=1
print('rows', rows)
