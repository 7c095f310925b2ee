// Ad-hoc oracle: evaluates ModSecurity v3.0.9 operators directly.
// stdin lines: OP \t PARAM_HEX \t INPUT_HEX ; stdout: RET \t idx=hex,idx=hex...  or ERR \t msg
#include <cstdio>
#include <iostream>
#include <string>
#include <memory>
#include "modsecurity/modsecurity.h"
#include "modsecurity/rules_set.h"
#include "modsecurity/transaction.h"
#include "modsecurity/rule_with_actions.h"
#include "src/operators/operator.h"
#include "src/actions/capture.h"
#include "src/utils/geo_lookup.h"

static std::string unhex(const std::string &h) {
  std::string o;
  for (size_t i = 0; i + 1 < h.size(); i += 2) o.push_back((char)std::stoi(h.substr(i, 2), nullptr, 16));
  return o;
}
static std::string hex(const std::string &s) {
  static const char *d = "0123456789abcdef";
  std::string o;
  for (unsigned char c : s) { o.push_back(d[c >> 4]); o.push_back(d[c & 15]); }
  return o;
}
int main(int argc, char **argv) {
  auto *ms = new modsecurity::ModSecurity();
  auto *rules = new modsecurity::RulesSet();
  std::string base = argc > 1 ? argv[1] : "./x.conf";
  if (argc > 2) {
    std::string err;
    if (!modsecurity::Utils::GeoLookup::getInstance().setDataBase(argv[2], &err)) { std::cerr << "geo: " << err << "\n"; }
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    size_t a = line.find('\t'), b = line.find('\t', a + 1);
    std::string op = line.substr(0, a), param = unhex(line.substr(a + 1, b - a - 1)), input = unhex(line.substr(b + 1));
    modsecurity::operators::Operator *o = nullptr;
    try { o = modsecurity::operators::Operator::instantiate(op, param); } catch (...) { std::cout << "ERR\tinstantiate\n"; continue; }
    std::string err;
    if (!o->init(base, &err)) { std::cout << "ERR\t" << err << "\n"; delete o; continue; }
    auto *t = new modsecurity::Transaction(ms, rules, nullptr);
    auto *acts = new modsecurity::Actions();
    acts->push_back(new modsecurity::actions::Capture("capture"));
    auto *rule = new modsecurity::RuleWithActions(acts, nullptr, std::unique_ptr<std::string>(new std::string("x")), 1);
    bool r;
    try { r = o->evaluate(t, rule, input, nullptr); } catch (std::exception &e) { std::cout << "EXC\t" << e.what() << "\n"; continue; }
    std::cout << (r ? 1 : 0) << "\t";
    bool first = true;
    for (int i = 0; i < 100; i++) {
      auto v = t->m_collections.m_tx_collection->resolveFirst(std::to_string(i));
      if (v) { std::cout << (first ? "" : ",") << i << "=" << hex(*v); first = false; }
    }
    if (op == "geoLookup" || op == "geolookup") {
      for (const char *k : {"COUNTRY_CODE", "COUNTRY_NAME", "COUNTRY_CONTINENT", "CITY", "POSTAL_CODE", "LATITUDE", "LONGITUDE"}) {
        std::vector<const modsecurity::VariableValue *> l;
        t->m_variableGeo.resolve(k, &l);
        for (auto *vv : l) std::cout << " " << k << "=" << vv->getValue();
      }
    }
    std::cout << "\n";
    std::cout.flush();
    delete t; delete o;
  }
  return 0;
}
