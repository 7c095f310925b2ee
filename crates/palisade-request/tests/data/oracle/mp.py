import subprocess,sys,re
import os
d=os.path.dirname(os.path.abspath(__file__))+'/'
cases = [
 ("lf_only", 'multipart/form-data; boundary=B', b'--B\nContent-Disposition: form-data; name="a"\n\nx\n--B--\n'),
 ("mixed", 'multipart/form-data; boundary=B', b'--B\r\nContent-Disposition: form-data; name="a"\n\r\nx\r\n--B--\r\n'),
 ("data_before", 'multipart/form-data; boundary=B', b'junk\r\n--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--B--\r\n'),
 ("data_after", 'multipart/form-data; boundary=B', b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--B--\r\njunk'),
 ("folding", 'multipart/form-data; boundary=B', b'--B\r\nContent-Disposition: form-data;\r\n name="a"\r\n\r\nx\r\n--B--\r\n'),
 ("bad_folding", 'multipart/form-data; boundary=B', b'--B\r\nContent-Disposition: form-data;\r\n\x0b name="a"\r\n\r\nx\r\n--B--\r\n'),
 ("quoted", 'multipart/form-data; boundary="B"', b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--B--\r\n'),
 ("ws", 'multipart/form-data; boundary = B', b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--B--\r\n'),
 ("nosemi", 'multipart/form-data boundary=B', b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--B--\r\n'),
 ("squote", 'multipart/form-data; boundary=B', b"--B\r\nContent-Disposition: form-data; name='a'\r\n\r\nx\r\n--B--\r\n"),
 ("noname", 'multipart/form-data; boundary=B', b'--B\r\nContent-Disposition: form-data; filename="f"\r\n\r\nx\r\n--B--\r\n'),
 ("dup_ct", 'multipart/form-data; boundary=B; boundary=C', b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--B--\r\n'),
 ("truncated", 'multipart/form-data; boundary=B', b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n'),
 ("noboundary", 'multipart/form-data; boundary=B', b'hello\r\n'),
 ("final_nocrlf", 'multipart/form-data; boundary=B', b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--B--'),
 ("charsets", 'multipart/form-data; boundary=B', b'--B\r\nContent-Disposition: form-data; name="a"\r\nContent-Type: text/plain; charset=utf-7\r\n\r\nx\r\n--B\r\nContent-Disposition: form-data; name="b"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\ny\r\n--B--\r\n'),
 ("nocolon", 'multipart/form-data; boundary=B', b'--B\r\nContent-Disposition: form-data; name="a"\r\nbogus\r\n\r\nx\r\n--B--\r\n'),
 ("unmatched", 'multipart/form-data; boundary=B', b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--C\r\ny\r\n--B--\r\n'),
 ("invalid_b", 'multipart/form-data; boundary=B', b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--B--x\r\n'),
 ("nul", 'multipart/form-data; boundary=B', b'--B\r\nContent-Disposition: form-data; name="a"\r\nX-A: a\x00b\r\n\r\nx\r\n--B--\r\n'),
 ("dup_cd", 'multipart/form-data; boundary=B', b'--B\r\nContent-Disposition: form-data; name="a"\r\ncontent-disposition: form-data; name="z"\r\n\r\nx\r\n--B--\r\n'),
 ("fstar", 'multipart/form-data; boundary=B', b"--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"; filename*=UTF-8''%e2%82%ac.txt\r\n\r\nabc\r\n--B--\r\n"),
 ("fstar_only", 'multipart/form-data; boundary=B', b"--B\r\nContent-Disposition: form-data; name=\"f\"; filename*=UTF-8''x.txt\r\n\r\nabc\r\n--B--\r\n"),
 ("empty_file", 'multipart/form-data; boundary=B', b'--B\r\nContent-Disposition: form-data; name="f"; filename="e.txt"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--B--\r\n'),
 ("no_data_part", 'multipart/form-data; boundary=B', b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\n--B--\r\n'),
 ("charset_tolerated", 'multipart/form-data; boundary=B; charset=utf-8', b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--B--\r\n'),
 ("b_charset", 'multipart/form-data; boundary=B;charset=utf-8', b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--B--\r\n'),
 ("case", 'multipart/form-data; BOUNDARY=B', b'--B\r\n'),
 ("nob", 'multipart/form-data', b'--B\r\n'),
 ("badchars", 'multipart/form-data; boundary=B{}', b'--B\r\n'),
 ("badquote", 'multipart/form-data; boundary="B', b'--B\r\n'),
 ("emptyq", 'multipart/form-data; boundary=""', b'--B\r\n'),
 ("cd_code", 'multipart/form-data; boundary=B', b'--B\r\nContent-Disposition: form-data name="a"\r\n\r\nx\r\n--B--\r\n'),
 ("cd_tail", 'multipart/form-data; boundary=B', b'--B\r\nContent-Disposition: form-data; name="a"x\r\n\r\nx\r\n--B--\r\n'),
 ("ws_boundary", 'multipart/form-data; boundary=B', b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n-- B\r\n'),
 ("two_values", 'multipart/form-data; boundary=B', b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--B\r\nContent-Disposition: form-data; name="a"\r\n\r\ny\r\n--B--\r\n'),
 ("folded_names", 'multipart/form-data; boundary=B', b'--B\r\nContent-Disposition: form-data;\r\n\tname="a"\r\nX-Y: 1\r\n\r\nx\r\n--B--\r\n'),
]
sel = sys.argv[1:] 
for name, ct, body in cases:
    if sel and name not in sel: continue
    open(d+'h.txt','w').write('Content-Type: '+ct+'\n')
    open(d+'b.txt','wb').write(body)
    out=subprocess.run([d+'oracle',d+'dump.conf','POST','/x',d+'h.txt',d+'b.txt'],capture_output=True).stdout.decode('latin1')
    m=re.search(r'\[msg "START(.*?)"\] \[data', out, re.S)
    items=m.group(1).split('|') if m else [out]
    keep=[]
    for i in items:
        if i.startswith(('REQUEST_','PATH_INFO','QUERY_STRING','URLENCODED','REQBODY_PROCESSOR_ERROR','ARGS_POST')): continue
        if i.endswith(':[0]') and i.startswith('MULTIPART_'): continue
        if i=='': continue
        keep.append(i)
    print(name, '=>', ' | '.join(keep))
