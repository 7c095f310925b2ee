// Batch oracle: "O\tOP\tPARAM_HEX" sets the operator; "I\tINPUT_HEX" evaluates it.
// Output per I line: RET \t idx=hex,... (TX 0..99 set by this evaluation)
#include <iostream>
#include <string>
#include <memory>
#include "modsecurity/modsecurity.h"
#include "modsecurity/rules_set.h"
#include "modsecurity/transaction.h"
#include "modsecurity/rule_with_actions.h"
#include "src/operators/operator.h"
#include "src/actions/capture.h"
static std::string unhex(const std::string &h) { std::string o; for (size_t i = 0; i + 1 < h.size(); i += 2) o.push_back((char)std::stoi(h.substr(i, 2), nullptr, 16)); return o; }
static std::string hex(const std::string &s) { static const char *d = "0123456789abcdef"; std::string o; for (unsigned char c : s) { o.push_back(d[c >> 4]); o.push_back(d[c & 15]); } return o; }
int main(int argc, char **argv) {
  auto *ms = new modsecurity::ModSecurity();
  auto *rules = new modsecurity::RulesSet();
  std::string base = argc > 1 ? argv[1] : "./x.conf";
  modsecurity::operators::Operator *o = nullptr;
  auto *acts = new modsecurity::Actions();
  acts->push_back(new modsecurity::actions::Capture("capture"));
  auto *rule = new modsecurity::RuleWithActions(acts, nullptr, std::unique_ptr<std::string>(new std::string("x")), 1);
  auto *t = new modsecurity::Transaction(ms, rules, nullptr);
  std::string line; bool bad = false;
  while (std::getline(std::cin, line)) {
    if (line[0] == 'O') {
      size_t a = line.find('\t', 2);
      std::string op = line.substr(2, a - 2), param = unhex(line.substr(a + 1));
      delete o; o = nullptr; bad = false;
      try { o = modsecurity::operators::Operator::instantiate(op, param); } catch (...) { bad = true; continue; }
      std::string err;
      if (!o->init(base, &err)) bad = true;
      continue;
    }
    std::string input = unhex(line.substr(2));
    if (bad || !o) { std::cout << "ERR\n"; continue; }
    for (int i = 0; i < 100; i++) t->m_collections.m_tx_collection->del(std::to_string(i));
    bool r = o->evaluate(t, rule, input, nullptr);
    std::cout << (r ? 1 : 0) << "\t";
    bool first = true;
    for (int i = 0; i < 100; i++) {
      auto v = t->m_collections.m_tx_collection->resolveFirst(std::to_string(i));
      if (v) { std::cout << (first ? "" : ",") << i << "=" << hex(*v); first = false; }
    }
    std::cout << "\n";
  }
  std::cout.flush();
  return 0;
}
