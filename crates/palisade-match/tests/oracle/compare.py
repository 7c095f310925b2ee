import json
pats=json.load(open('patterns.json'))
vals=open('values.hex').read().split('\n')[:-1]
o=open('oracle.out').read().split('\n')[:-1]
m=open('mine.out').read().split('\n')[:-1]
n=len(vals)
ret_diff=0; cap_diff=0; matches=0
bypat={}
for i,(a,b) in enumerate(zip(o,m)):
    if a.startswith('1'): matches+=1
    ra=a.split('\t')[0]; rb=b.split('\t')[0]
    if ra!=rb:
        ret_diff+=1; bypat.setdefault(i//n,[]).append(('ret',i%n,a[:100],b[:100]))
    elif a.rstrip('\t')!=b.rstrip('\t'):
        cap_diff+=1; bypat.setdefault(i//n,[]).append(('cap',i%n,a[:200],b[:200]))
print('evals',len(o),'matches',matches,'ret diffs',ret_diff,'capture diffs',cap_diff)
for k,v in list(bypat.items())[:10]:
    print(pats[k][:100], len(v))
    for x in v[:3]: print('   ',x[0], bytes.fromhex(vals[x[1]])[:80], '\n      oracle', x[2], '\n      mine  ', x[3])
