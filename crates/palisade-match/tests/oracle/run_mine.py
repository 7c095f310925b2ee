import json,os,subprocess,sys
pats=json.load(open('patterns.json'))
out=open('mine.out','w')
for pat in pats:
    r=subprocess.run([os.environ.get('PALISADE', '../../../../target/release/palisade'),'match','@rx '+pat,'--lines','values.hex','--hex'],capture_output=True)
    if r.returncode==2: print('ERR',pat,r.stderr.decode()[:200]); continue
    for line in r.stdout.decode().split('\n')[:-1]:
        parts=line.split('\t')
        out.write(parts[0]+'\t'+','.join(parts[1:])+'\n')
