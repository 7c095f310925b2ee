//! Every variable, operator, transformation and action name of ModSecurity v3 (as listed in
//! SECLANG_SURFACE.md) in a rule: accepted ones parse to their typed form, rejected ones fail
//! with ModSecurity's message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use palisade_seclang::ast::{
    ACTION_NAMES, ActionKind, AllowScope, AuditEngineMode, AuditLogParts, BodyProcessor, CTL_NAMES,
    Ctl, DirectiveKind, EngineMode, IdRange, InitCol, Phase, REJECTED_ACTIONS, Selector, SetVar,
    SetVarOp, Severity, Variable, VariableName, VariableSupport, XmlNs,
};
use palisade_seclang::{FileId, MacroString, OperatorName, OperatorSupport, parse_str};
use palisade_transform::TransformId;

fn rule(text: &str) -> palisade_seclang::ast::Rule {
    let out = parse_str(text, FileId(0));
    assert!(out.diagnostics.is_empty(), "{text}: {:?}", out.diagnostics);
    match out.directives.into_iter().next().map(|d| d.kind) {
        Some(DirectiveKind::SecRule(r)) => r,
        other => panic!("{text}: {other:?}"),
    }
}

fn error(text: &str) -> String {
    let out = parse_str(text, FileId(0));
    let e: Vec<_> = out.errors().collect();
    assert_eq!(e.len(), 1, "{text}: {:?}", out.diagnostics);
    e[0].message.clone()
}

/// The variable names of SECLANG_SURFACE.md, collections then scalars (aliases included).
const SURFACE_COLLECTIONS: &str = "ARGS, ARGS_GET, ARGS_POST, ARGS_NAMES, ARGS_GET_NAMES, \
    ARGS_POST_NAMES, FILES, FILES_NAMES, FILES_SIZES, FILES_TMPNAMES, FILES_TMP_CONTENT, \
    MULTIPART_FILENAME, MULTIPART_NAME, MULTIPART_PART_HEADERS, MATCHED_VARS, MATCHED_VARS_NAMES, \
    REQUEST_COOKIES, REQUEST_COOKIES_NAMES, REQUEST_HEADERS, REQUEST_HEADERS_NAMES, \
    RESPONSE_HEADERS, RESPONSE_HEADERS_NAMES, GEO, RULE, ENV, XML, TX, IP, GLOBAL, RESOURCE, \
    SESSION, USER";
const SURFACE_SCALARS: &str = "ARGS_COMBINED_SIZE, AUTH_TYPE, DURATION, FILES_COMBINED_SIZE, \
    FULL_REQUEST, FULL_REQUEST_LENGTH, HIGHEST_SEVERITY, INBOUND_DATA_ERROR, MATCHED_VAR, \
    MATCHED_VAR_NAME, MODSEC_BUILD, MSC_PCRE_ERROR, MSC_PCRE_LIMITS_EXCEEDED, \
    MULTIPART_BOUNDARY_QUOTED, MULTIPART_BOUNDARY_WHITESPACE, MULTIPART_CRLF_LF_LINES, \
    MULTIPART_DATA_AFTER, MULTIPART_DATA_BEFORE, MULTIPART_FILE_LIMIT_EXCEEDED, \
    MULTIPART_HEADER_FOLDING, MULTIPART_INVALID_HEADER_FOLDING, MULTIPART_INVALID_PART, \
    MULTIPART_INVALID_QUOTING, MULTIPART_LF_LINE, MULTIPART_MISSING_SEMICOLON, \
    MULTIPART_SEMICOLON_MISSING, MULTIPART_STRICT_ERROR, MULTIPART_UNMATCHED_BOUNDARY, \
    OUTBOUND_DATA_ERROR, PATH_INFO, QUERY_STRING, REMOTE_ADDR, REMOTE_HOST, REMOTE_PORT, \
    REMOTE_USER, REQBODY_ERROR, REQBODY_ERROR_MSG, REQBODY_PROCESSOR, REQBODY_PROCESSOR_ERROR, \
    REQBODY_PROCESSOR_ERROR_MSG, REQUEST_BASENAME, REQUEST_BODY, REQUEST_BODY_LENGTH, \
    REQUEST_FILENAME, REQUEST_LINE, REQUEST_METHOD, REQUEST_PROTOCOL, REQUEST_URI, \
    REQUEST_URI_RAW, RESPONSE_BODY, RESPONSE_CONTENT_LENGTH, RESPONSE_CONTENT_TYPE, \
    RESPONSE_PROTOCOL, RESPONSE_STATUS, SERVER_ADDR, SERVER_NAME, SERVER_PORT, SESSIONID, STATUS, \
    STATUS_LINE, TIME, TIME_DAY, TIME_EPOCH, TIME_HOUR, TIME_MIN, TIME_MON, TIME_SEC, TIME_WDAY, \
    TIME_YEAR, UNIQUE_ID, URLENCODED_ERROR, USERID, WEBAPPID";

fn names(list: &str) -> Vec<&str> {
    list.split(',').map(str::trim).collect()
}

#[test]
fn every_variable_of_the_surface_parses() {
    let collections = names(SURFACE_COLLECTIONS);
    let scalars = names(SURFACE_SCALARS);
    assert_eq!(collections.len(), 32);
    assert_eq!(scalars.len(), 73);
    for name in &collections {
        let r = rule(&format!(
            "SecRule {name}|{name}:k1|!{name}:k2|&{name}|{name}:/re/ \"@rx a\" \"id:1\""
        ));
        let var = VariableName::from_name(name).unwrap();
        assert!(var.is_collection());
        assert!(r.variables.iter().all(|v| v.name == var), "{name}");
        assert!(r.variables[2].negated && r.variables[3].count);
        let expected_regex = match var {
            VariableName::Xml => Selector::XPath("re".into()),
            VariableName::Env => Selector::Key("re".into()),
            _ => Selector::Regex("re".into()),
        };
        assert_eq!(r.variables[4].selector, Some(expected_regex), "{name}");
    }
    for name in &scalars {
        let r = rule(&format!("SecRule {name}|&{name} \"@rx a\" \"id:1\""));
        let var = VariableName::from_name(name).unwrap();
        assert!(!var.is_collection(), "{name}");
        assert_eq!(r.variables[0].name, var);
        // Scalars take no key.
        let msg = error(&format!("SecRule {name}:x \"@rx a\" \"id:1\""));
        assert!(msg.contains("not a collection"), "{name}: {msg}");
    }
    assert_eq!(
        rule("SecRule STATUS_LINE \"@rx a\" \"id:1\"").variables[0].name,
        VariableName::Status
    );
    assert_eq!(
        VariableName::WebserverErrorLog.support(),
        VariableSupport::Rejected(
            "Variable VARIABLE_WEBSERVER_ERROR_LOG is not supported by libModSecurity"
        )
    );
    assert_eq!(
        error("SecRule WEBSERVER_ERROR_LOG \"@rx a\" \"id:1\""),
        "Variable VARIABLE_WEBSERVER_ERROR_LOG is not supported by libModSecurity"
    );
}

#[test]
fn every_operator_of_the_surface_parses() {
    let with_arg = [
        "beginsWith",
        "contains",
        "containsWord",
        "endsWith",
        "eq",
        "fuzzyHash",
        "ge",
        "gt",
        "inspectFile",
        "ipMatch",
        "ipMatchFromFile",
        "ipMatchF",
        "le",
        "lt",
        "pm",
        "pmFromFile",
        "pmf",
        "rbl",
        "rx",
        "rxGlobal",
        "streq",
        "strmatch",
        "validateByteRange",
        "validateDTD",
        "validateSchema",
        "verifyCC",
        "verifyCPF",
        "verifySSN",
        "verifySVNR",
        "within",
    ];
    let without_arg = [
        "detectSQLi",
        "detectXSS",
        "geoLookup",
        "unconditionalMatch",
        "validateUrlEncoding",
        "validateUtf8Encoding",
    ];
    for name in with_arg {
        let r = rule(&format!("SecRule ARGS \"!@{name} x %{{tx.y}}\" \"id:1\""));
        assert_eq!(r.operator.name, OperatorName::from_name(name).unwrap());
        assert!(r.operator.negated);
        assert_eq!(r.operator.argument.to_string(), "x %{tx.y}");
        let msg = error(&format!("SecRule ARGS \"@{name}\" \"id:1\""));
        assert!(msg.contains("needs an argument"), "{name}: {msg}");
    }
    for name in without_arg {
        let r = rule(&format!("SecRule ARGS \"@{name}\" \"id:1\""));
        assert_eq!(r.operator.name, OperatorName::from_name(name).unwrap());
        assert!(r.operator.argument.segments.is_empty());
        let r = rule(&format!("SecRule ARGS @{name} \"id:1\""));
        assert_eq!(r.operator.name, OperatorName::from_name(name).unwrap());
    }
    for (name, message) in [
        ("gsbLookup", "Google Safe Browsing"),
        ("rsub", "@rsub is not supported"),
        ("validateHash", "@validateHash is not supported"),
    ] {
        assert_eq!(
            OperatorName::from_name(name)
                .map(|o| matches!(o.support(), OperatorSupport::Rejected(_))),
            Some(true)
        );
        let msg = error(&format!("SecRule ARGS \"@{name} x\" \"id:1\""));
        assert!(msg.contains(message), "{name}: {msg}");
    }
    // The implicit @rx.
    let r = rule("SecRule ARGS \"^(?:a|b)$\" \"id:1\"");
    assert_eq!(r.operator.name, OperatorName::Rx);
    assert_eq!(r.operator.argument, MacroString::literal("^(?:a|b)$"));
    let r = rule("SecRule ARGS \"!^a\" \"id:1\"");
    assert!(r.operator.negated && r.operator.name == OperatorName::Rx);
    assert_eq!(with_arg.len() + without_arg.len() + 3, 39);
}

#[test]
fn every_transformation_parses() {
    let surface = "base64Decode, base64DecodeExt, base64Encode, cmdLine, compressWhitespace, \
        cssDecode, escapeSeqDecode, hexDecode, hexEncode, htmlEntityDecode, jsDecode, length, \
        lowercase, md5, none, normalisePath, normalizePath, normalisePathWin, normalizePathWin, \
        parityEven7bit, parityOdd7bit, parityZero7bit, removeComments, removeCommentsChar, \
        removeNulls, removeWhitespace, replaceComments, replaceNulls, sha1, sqlHexDecode, trim, \
        trimLeft, trimRight, uppercase, urlDecode, urlDecodeUni, urlEncode, utf8toUnicode";
    let list = names(surface);
    assert_eq!(list.len(), 38);
    let actions = list
        .iter()
        .map(|t| format!("t:{t}"))
        .collect::<Vec<_>>()
        .join(",");
    let r = rule(&format!("SecRule ARGS \"@rx a\" \"id:1,{actions}\""));
    let got: Vec<TransformId> = r
        .actions
        .iter()
        .filter_map(|a| match a.kind {
            ActionKind::Transform(t) => Some(t),
            _ => None,
        })
        .collect();
    let expected: Vec<TransformId> = list
        .iter()
        .map(|t| TransformId::from_name(t).unwrap())
        .collect();
    assert_eq!(got, expected);
    assert_eq!(
        error("SecRule ARGS \"@rx a\" \"id:1,t:phpArgsNames\""),
        "unknown transformation `phpArgsNames`"
    );
}

fn actions_of(list: &str) -> Vec<ActionKind> {
    rule(&format!("SecRule ARGS \"@rx a\" \"{list}\""))
        .actions
        .into_iter()
        .map(|a| a.kind)
        .collect()
}

fn lit(s: &str) -> MacroString {
    MacroString::literal(s)
}

#[test]
fn every_action_of_the_surface_parses_to_its_typed_value() {
    let cases: Vec<(&str, ActionKind)> = vec![
        ("accuracy:'9'", ActionKind::Accuracy(9)),
        ("allow", ActionKind::Allow(AllowScope::All)),
        ("allow:request", ActionKind::Allow(AllowScope::Request)),
        ("allow:phase", ActionKind::Allow(AllowScope::Phase)),
        ("auditlog", ActionKind::AuditLog),
        ("block", ActionKind::Block),
        ("capture", ActionKind::Capture),
        ("chain", ActionKind::Chain),
        ("deny", ActionKind::Deny),
        ("drop", ActionKind::Drop),
        (
            "exec:/usr/local/bin/x.lua",
            ActionKind::Exec("/usr/local/bin/x.lua".into()),
        ),
        (
            "expirevar:ip.hits=60",
            ActionKind::ExpireVar(lit("ip.hits=60")),
        ),
        ("id:942100", ActionKind::Id(942_100)),
        ("id:'7'", ActionKind::Id(7)),
        (
            "initcol:ip=%{REMOTE_ADDR}",
            ActionKind::InitCol(InitCol {
                collection: VariableName::Ip,
                key: MacroString::parse("%{REMOTE_ADDR}"),
            }),
        ),
        ("log", ActionKind::Log),
        (
            "logdata:'%{MATCHED_VAR}'",
            ActionKind::LogData(MacroString::parse("%{MATCHED_VAR}")),
        ),
        ("maturity:'9'", ActionKind::Maturity(9)),
        ("msg:'SQL Injection'", ActionKind::Msg(lit("SQL Injection"))),
        ("multiMatch", ActionKind::MultiMatch),
        ("noauditlog", ActionKind::NoAuditLog),
        ("nolog", ActionKind::NoLog),
        ("pass", ActionKind::Pass),
        ("phase:1", ActionKind::Phase(Phase::RequestHeaders)),
        ("phase:request", ActionKind::Phase(Phase::RequestBody)),
        ("phase:response", ActionKind::Phase(Phase::ResponseBody)),
        ("phase:logging", ActionKind::Phase(Phase::Logging)),
        ("phase:0", ActionKind::Phase(Phase::Connection)),
        (
            "redirect:http://example.com/",
            ActionKind::Redirect(lit("http://example.com/")),
        ),
        ("rev:'2'", ActionKind::Rev("2".into())),
        ("setenv:A=b", ActionKind::SetEnv(lit("A=b"))),
        (
            "setrsc:%{REQUEST_URI}",
            ActionKind::SetRsc(MacroString::parse("%{REQUEST_URI}")),
        ),
        (
            "setsid:%{REQUEST_COOKIES.sid}",
            ActionKind::SetSid(MacroString::parse("%{REQUEST_COOKIES.sid}")),
        ),
        (
            "setuid:%{ARGS.user}",
            ActionKind::SetUid(MacroString::parse("%{ARGS.user}")),
        ),
        (
            "setvar:'tx.score=+%{tx.critical_anomaly_score}'",
            ActionKind::SetVar(SetVar {
                collection: VariableName::Tx,
                key: lit("score"),
                op: SetVarOp::Add,
                value: MacroString::parse("%{tx.critical_anomaly_score}"),
            }),
        ),
        (
            "setvar:ip.x=-1",
            ActionKind::SetVar(SetVar {
                collection: VariableName::Ip,
                key: lit("x"),
                op: SetVarOp::Sub,
                value: lit("1"),
            }),
        ),
        (
            "setvar:tx.flag",
            ActionKind::SetVar(SetVar {
                collection: VariableName::Tx,
                key: lit("flag"),
                op: SetVarOp::Set,
                value: lit("1"),
            }),
        ),
        (
            "setvar:!session.x",
            ActionKind::SetVar(SetVar {
                collection: VariableName::Session,
                key: lit("x"),
                op: SetVarOp::Delete,
                value: MacroString::default(),
            }),
        ),
        (
            "setvar:global.%{rule.id}-seen=1",
            ActionKind::SetVar(SetVar {
                collection: VariableName::Global,
                key: MacroString::parse("%{rule.id}-seen"),
                op: SetVarOp::Set,
                value: lit("1"),
            }),
        ),
        (
            "severity:'CRITICAL'",
            ActionKind::Severity(Severity { level: 2 }),
        ),
        ("severity:5", ActionKind::Severity(Severity { level: 5 })),
        ("skip:2", ActionKind::Skip(2)),
        (
            "skipAfter:END-CHECKS",
            ActionKind::SkipAfter("END-CHECKS".into()),
        ),
        ("status:403", ActionKind::Status(403)),
        ("tag:'attack-sqli'", ActionKind::Tag(lit("attack-sqli"))),
        (
            "ver:'OWASP_CRS/4.28.0'",
            ActionKind::Ver("OWASP_CRS/4.28.0".into()),
        ),
        (
            "xmlns:soap=http://schemas.xmlsoap.org/soap/envelope/",
            ActionKind::XmlNs(XmlNs {
                prefix: "soap".into(),
                uri: "http://schemas.xmlsoap.org/soap/envelope/".into(),
            }),
        ),
        ("t:lowercase", ActionKind::Transform(TransformId::Lowercase)),
        (
            "ctl:ruleEngine=Off",
            ActionKind::Ctl(Ctl::RuleEngine(EngineMode::Off)),
        ),
    ];
    let mut seen: Vec<&str> = Vec::new();
    for (text, expected) in &cases {
        assert_eq!(actions_of(text), vec![expected.clone()], "{text}");
        seen.push(expected.name());
        // Printing gives text that reads back the same.
        let printed = expected.to_string();
        assert_eq!(
            actions_of(&printed),
            vec![expected.clone()],
            "{text} -> {printed}"
        );
    }
    for name in ACTION_NAMES {
        assert!(seen.contains(&name), "no test for action {name}");
    }
    assert_eq!(ACTION_NAMES.len(), 37);
}

#[test]
fn every_ctl_form_parses() {
    let target = |name: VariableName, key: &str| {
        Variable::new(name).with_selector(Selector::Key(key.into()))
    };
    let cases = vec![
        (
            "ctl:auditEngine=RelevantOnly",
            Ctl::AuditEngine(AuditEngineMode::RelevantOnly),
        ),
        (
            "ctl:auditLogParts=+E",
            Ctl::AuditLogParts {
                add: true,
                parts: AuditLogParts::from_letters("E").unwrap(),
            },
        ),
        (
            "ctl:auditLogParts=-IJ",
            Ctl::AuditLogParts {
                add: false,
                parts: AuditLogParts::from_letters("IJ").unwrap(),
            },
        ),
        (
            "ctl:requestBodyProcessor=JSON",
            Ctl::RequestBodyProcessor(BodyProcessor::Json),
        ),
        (
            "ctl:requestBodyProcessor=XML",
            Ctl::RequestBodyProcessor(BodyProcessor::Xml),
        ),
        (
            "ctl:requestBodyProcessor=URLENCODED",
            Ctl::RequestBodyProcessor(BodyProcessor::UrlEncoded),
        ),
        ("ctl:requestBodyAccess=Off", Ctl::RequestBodyAccess(false)),
        (
            "ctl:ruleEngine=DetectionOnly",
            Ctl::RuleEngine(EngineMode::DetectionOnly),
        ),
        (
            "ctl:ruleRemoveById=920350",
            Ctl::RuleRemoveById(IdRange::single(920_350)),
        ),
        (
            "ctl:ruleRemoveById=941000-942999",
            Ctl::RuleRemoveById(IdRange {
                start: 941_000,
                end: 942_999,
            }),
        ),
        (
            "ctl:ruleRemoveByTag=attack-sqli",
            Ctl::RuleRemoveByTag("attack-sqli".into()),
        ),
        (
            "ctl:ruleRemoveTargetById=942100;ARGS:password",
            Ctl::RuleRemoveTargetById {
                id: 942_100,
                target: target(VariableName::Args, "password"),
            },
        ),
        (
            "ctl:ruleRemoveTargetByTag=OWASP_CRS;ARGS:pwd",
            Ctl::RuleRemoveTargetByTag {
                tag: "OWASP_CRS".into(),
                target: target(VariableName::Args, "pwd"),
            },
        ),
        (
            "ctl:forceRequestBodyVariable=On",
            Ctl::ForceRequestBodyVariable(true),
        ),
    ];
    let mut seen = Vec::new();
    for (text, expected) in cases {
        let kind = ActionKind::Ctl(expected.clone());
        assert_eq!(actions_of(text), vec![kind.clone()], "{text}");
        assert_eq!(actions_of(&kind.to_string()), vec![kind], "{text}");
        seen.push(expected.name());
    }
    for name in CTL_NAMES {
        assert!(seen.contains(&name), "no test for ctl:{name}");
    }
    for (text, message) in [
        (
            "ctl:debugLogLevel=9",
            "ctl:debugLogLevel is not available in ModSecurity v3",
        ),
        (
            "ctl:requestBodyLimit=1",
            "ctl:requestBodyLimit is not available in ModSecurity v3",
        ),
        (
            "ctl:responseBodyAccess=On",
            "ctl:responseBodyAccess is not available in ModSecurity v3",
        ),
        (
            "ctl:responseBodyLimit=1",
            "ctl:responseBodyLimit is not available in ModSecurity v3",
        ),
        (
            "ctl:ruleRemoveByMsg=x",
            "ctl:ruleRemoveByMsg is not available in ModSecurity v3",
        ),
        (
            "ctl:requestBodyProcessor=MULTIPART",
            "ctl:requestBodyProcessor=MULTIPART is not available in ModSecurity v3",
        ),
        ("ctl:bogus=1", "unknown ctl option `bogus`"),
    ] {
        assert_eq!(
            error(&format!("SecRule ARGS \"@rx a\" \"{text}\"")),
            message
        );
    }
}

#[test]
fn rejected_actions_fail_with_modsecurity_messages() {
    let surface = [
        "append",
        "deprecatevar",
        "pause",
        "prepend",
        "proxy",
        "sanitiseArg",
        "sanitiseMatched",
        "sanitiseMatchedBytes",
        "sanitiseRequestHeader",
        "sanitiseResponseHeader",
    ];
    assert_eq!(REJECTED_ACTIONS.len(), surface.len());
    for name in surface {
        let (_, msg_name) = REJECTED_ACTIONS.iter().find(|(n, _)| *n == name).unwrap();
        assert_eq!(
            error(&format!("SecRule ARGS \"@rx a\" \"id:1,{name}:x\"")),
            format!("Action: {msg_name} is not yet supported.")
        );
    }
}
