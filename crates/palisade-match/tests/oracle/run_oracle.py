import json,os,subprocess,sys
pats=json.load(open('patterns.json'))
vals=open('values.hex').read().split('\n')[:-1]
# one oracle process, all patterns
p=subprocess.Popen([os.environ.get('MSC_BATCH', './msc_batch')],stdin=subprocess.PIPE,stdout=open('oracle.out','w'))
for pat in pats:
    p.stdin.write(('O\trx\t'+pat.encode('utf-8').hex()+'\n').encode())
    for v in vals:
        p.stdin.write(('I\t'+v+'\n').encode())
p.stdin.close(); p.wait()
