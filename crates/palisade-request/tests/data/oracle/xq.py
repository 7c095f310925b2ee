import subprocess,sys,re
import os
d=os.path.dirname(os.path.abspath(__file__))+'/'
open(d+'h.txt','w').write('Content-Type: text/xml\n')
def run(body):
    open(d+'b.txt','wb').write(body)
    out=subprocess.run([d+'oracle',d+'dump.conf','POST','/x',d+'h.txt',d+'b.txt'],capture_output=True).stdout.decode('latin1')
    m=re.search(r'\[msg "START(.*?)"\] \[data', out, re.S)
    items=m.group(1).split('|') if m else [out]
    return [i for i in items if i.startswith(('XML','REQBODY_ERROR'))]
cases = {
 'basic': b'<?xml version="1.0"?>\n<root a="1" b="x&amp;y"><c d="2">text<![CDATA[cd<>]]></c><!-- com -->tail &#65;&lt;<?pi x?></root>\n',
 'deep255': b'<a>'*255+b'x'+b'</a>'*255,
 'deep256': b'<a>'*256+b'x'+b'</a>'*256,
 'deep257': b'<a>'*257+b'x'+b'</a>'*257,
 'deep300': b'<a>'*300+b'x'+b'</a>'*300,
 'xxe': b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>a&x;b</r>',
 'internal_ent': b'<!DOCTYPE r [<!ENTITY x "ent<i>v</i>">]><r at="&x;" >a&x;b</r>',
 'undeclared': b'<r>&foo;</r>',
 'bad_utf8': b'<r>\xff</r>',
 'latin1': b'<?xml version="1.0" encoding="ISO-8859-1"?><r>\xe9</r>',
 'ns_undefined': b'<a:b>x</a:b>',
 'two_roots': b'<a/><b/>',
 'text_after': b'<a/>x',
 'attr_ws': b'<a x="1\t2\n3  4"/>',
 'default_ns': b'<r xmlns="urn:x"><s k="v">t</s></r>',
 'empty': b'',
 'ws_only': b'   ',
 'crlf': b'<r>a\r\nb</r>',
 'dup_attr': b'<r a="1" a="2"/>',
 'ctrl': b'<r>\x01</r>',
 'lt_in_attr': b'<r a="<"/>',
 'mismatch': b'<r></s>',
 'bom': b'\xef\xbb\xbf<r>x</r>',
 'utf16': '<r>x</r>'.encode('utf-16'),
 'xmldecl_late': b' <?xml version="1.0"?><r/>',
 'ext_param': b'<!DOCTYPE r SYSTEM "http://x/y.dtd"><r>a</r>',
 'nested_ent': b'<!DOCTYPE r [<!ENTITY a "A"><!ENTITY b "&a;&a;">]><r>&b;</r>',
}
sel=sys.argv[1:]
for k,v in cases.items():
    if sel and k not in sel: continue
    print(k,'=>',' | '.join(run(v)))
