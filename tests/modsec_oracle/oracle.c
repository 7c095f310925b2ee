/* The reference for tests/modsec_oracle.rs: runs one request through the installed
 * libmodsecurity (Debian's 3.0.9) and prints what a host sees.
 *
 *   oracle RULES.conf METHOD URI BODY [Header: value]...
 *
 * Steps as a proxy drives them; after each phase the intervention is read (and so cleared).
 * Output lines: "LOG: <log callback message>" and
 * "INTERVENTION <phase>: status=N url=U log=L". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <modsecurity/modsecurity.h>
#include <modsecurity/rules_set.h>
#include <modsecurity/transaction.h>
#include <modsecurity/intervention.h>
static void cb(void *d, const void *m) { printf("LOG: %s\n", (const char *)m); }
static void take(Transaction *t, const char *where) {
    ModSecurityIntervention it; it.status = 200; it.url = NULL; it.log = NULL; it.disruptive = 0; it.pause = 0;
    if (msc_intervention(t, &it)) printf("INTERVENTION %s: status=%d url=%s log=%s\n", where, it.status, it.url ? it.url : "-", it.log ? it.log : "-");
}
int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage\n"); return 2; }
    ModSecurity *ms = msc_init(); msc_set_log_cb(ms, cb);
    RulesSet *rules = msc_create_rules_set(); const char *err = NULL;
    if (msc_rules_add_file(rules, argv[1], &err) < 0) { printf("LOAD ERROR: %s\n", err); return 1; }
    Transaction *t = msc_new_transaction(ms, rules, NULL);
    msc_process_connection(t, "10.0.0.1", 40000, "10.0.0.2", 80);
    msc_process_uri(t, argv[3], argv[2], "1.1");
    const char *body = argc > 4 ? argv[4] : "";
    for (int i = 5; i < argc; i++) { char *c = strchr(argv[i], ':'); if (!c) continue; *c = 0; const char *v = c + 1; while (*v == ' ') v++; msc_add_request_header(t, (unsigned char*)argv[i], (unsigned char*)v); }
    msc_process_request_headers(t); take(t, "phase1");
    if (*body) msc_append_request_body(t, (const unsigned char *)body, strlen(body));
    msc_process_request_body(t); take(t, "phase2");
    msc_add_response_header(t, (unsigned char*)"Content-Type", (unsigned char*)"text/html");
    msc_process_response_headers(t, 200, "HTTP 1.1"); take(t, "phase3");
    msc_process_response_body(t); take(t, "phase4");
    msc_process_logging(t);
    msc_transaction_cleanup(t); msc_rules_cleanup(rules); msc_cleanup(ms); return 0;
}
