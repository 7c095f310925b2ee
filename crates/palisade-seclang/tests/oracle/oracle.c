/* Asks libmodsecurity whether rule files load: `oracle FILE...` prints "FILE: OK n" or "FILE: ERR message" per file. Built and run by tests/modsecurity_parity.rs. */
#include <stdio.h>
#include <modsecurity/modsecurity.h>
#include <modsecurity/rules_set.h>
int main(int argc,char**argv){
  ModSecurity *ms = msc_init();
  for(int i=1;i<argc;i++){
    RulesSet *rs=msc_create_rules_set(); const char*err=NULL;
    int r=msc_rules_add_file(rs,argv[i],&err);
    if(r<0){ printf("%s: ERR %s\n",argv[i],err?err:""); } else printf("%s: OK %d\n",argv[i],r);
    msc_rules_cleanup(rs);
  }
  msc_cleanup(ms);
  return 0;
}
