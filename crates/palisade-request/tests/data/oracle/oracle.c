// request-oracle: ./oracle RULES METHOD URI HEADERSFILE BODYFILE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <modsecurity/modsecurity.h>
#include <modsecurity/rules_set.h>
#include <modsecurity/transaction.h>
#include <modsecurity/intervention.h>
static void cb(void *d, const void *msg) { printf("LOG %s\n", (const char*)msg); }
static char *slurp(const char *p, size_t *n) { FILE *f=fopen(p,"rb"); if(!f){*n=0;return calloc(1,1);} fseek(f,0,SEEK_END); long l=ftell(f); fseek(f,0,SEEK_SET); char*b=malloc(l+1); *n=fread(b,1,l,f); b[*n]=0; fclose(f); return b;}
int main(int argc, char **argv) {
  ModSecurity *ms = msc_init(); msc_set_log_cb(ms, cb);
  RulesSet *rs = msc_create_rules_set(); const char *err = NULL;
  if (msc_rules_add_file(rs, argv[1], &err) < 0) { printf("RULES ERROR %s\n", err); return 1; }
  Transaction *t = msc_new_transaction(ms, rs, NULL);
  msc_process_connection(t, "127.0.0.1", 1234, "127.0.0.1", 80);
  msc_process_uri(t, argv[3], argv[2], "1.1");
  size_t hn; char *h = slurp(argv[4], &hn); char *line = h;
  while (line && *line) { char *nl = strchr(line, '\n'); if (nl) *nl = 0; char *c = strchr(line, ':');
    if (c) { char *v = c+1; while (*v==' ') v++; msc_add_n_request_header(t,(unsigned char*)line,c-line,(unsigned char*)v,strlen(v)); }
    line = nl ? nl+1 : NULL; }
  msc_process_request_headers(t);
  size_t bn; char *b = slurp(argv[5], &bn);
  if (bn) msc_append_request_body(t, (unsigned char*)b, bn);
  msc_process_request_body(t);
  ModSecurityIntervention it; it.status=200; it.url=NULL; it.log=NULL; it.disruptive=0;
  if (msc_intervention(t,&it)) printf("INTERVENTION %d\n", it.status);
  msc_process_logging(t);
  msc_transaction_cleanup(t); msc_rules_cleanup(rs); msc_cleanup(ms); return 0; }
