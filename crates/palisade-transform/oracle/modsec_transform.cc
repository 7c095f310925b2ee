// modsec_transform: asks the installed libmodsecurity (Debian's 3.0.9) what a transformation makes of
// a value. Reference oracle for palisade-transform's differential tests; not part of the build.
//
// Input (stdin): one case per line, `NAME<TAB>HEX`, where NAME is a transformation name as
// libmodsecurity's Transformation::instantiate knows it (`cmd_line`, `urlDecodeUni`, ...) and HEX
// the input bytes hex-encoded (may be empty). Output (stdout): one line per case, the output bytes
// hex-encoded, or `!` when the name is unknown.
//
// Options: `--unicode-map FILE CODEPAGE` loads `SecUnicodeMapFile FILE CODEPAGE` into the rule set
// the transaction uses (only urlDecodeUni reads it).

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include <modsecurity/actions/action.h>
#include <modsecurity/modsecurity.h>
#include <modsecurity/rules_set.h>
#include <modsecurity/transaction.h>

// libmodsecurity exports this factory but does not install its header; declaring the one static
// member we call is enough (we only ever use the result through the public Action interface).
namespace modsecurity::actions::transformations {
class Transformation : public Action {
 public:
    static Transformation *instantiate(std::string a);
};
}  // namespace modsecurity::actions::transformations

using modsecurity::actions::Action;
using modsecurity::actions::transformations::Transformation;

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool unhex(const std::string &hex, std::string *out) {
    if (hex.size() % 2 != 0) return false;
    out->clear();
    for (size_t i = 0; i < hex.size(); i += 2) {
        int hi = hexval(hex[i]), lo = hexval(hex[i + 1]);
        if (hi < 0 || lo < 0) return false;
        out->push_back(static_cast<char>(hi * 16 + lo));
    }
    return true;
}

static std::string tohex(const std::string &bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

int main(int argc, char **argv) {
    std::string rules_text = "SecRuleEngine On\n";
    for (int i = 1; i < argc; i++) {
        if (std::strcmp(argv[i], "--unicode-map") == 0 && i + 2 < argc) {
            rules_text += std::string("SecUnicodeMapFile ") + argv[i + 1] + " " + argv[i + 2] + "\n";
            i += 2;
        } else {
            std::fprintf(stderr, "usage: %s [--unicode-map FILE CODEPAGE] < cases\n", argv[0]);
            return 2;
        }
    }

    modsecurity::ModSecurity modsec;
    modsecurity::RulesSet rules;
    if (rules.load(rules_text.c_str()) < 0) {
        std::fprintf(stderr, "rules: %s\n", rules.getParserError().c_str());
        return 2;
    }
    modsecurity::Transaction trans(&modsec, &rules, nullptr);

    std::string line, bytes;
    while (std::getline(std::cin, line)) {
        size_t tab = line.find('\t');
        if (tab == std::string::npos || !unhex(line.substr(tab + 1), &bytes)) {
            std::fprintf(stderr, "bad line: %s\n", line.c_str());
            return 2;
        }
        std::string name = line.substr(0, tab);
        Transformation *t = Transformation::instantiate("t:" + name);
        Action *a = reinterpret_cast<Action *>(t);
        if (t == nullptr || *a->m_name != "t:" + name) {
            std::cout << "!\n";
        } else {
            std::cout << tohex(a->evaluate(bytes, &trans)) << "\n";
        }
        delete a;
    }
    return 0;
}
