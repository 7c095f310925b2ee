//! Every one of the 81 directive names: the accepted ones parse to their typed form, the
//! "off only" ones accept only their default, the rejected ones fail with ModSecurity's message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use palisade_seclang::ast::{
    Action, ActionKind, AuditEngineMode, AuditLogFormat, AuditLogParts, AuditLogType,
    BodyLimitAction, DirectiveKind as K, DirectiveName, DirectiveSupport, EngineMode, IdRange,
    Operator, Phase, RemoteRulesFailAction, Rule, Selector, Variable, VariableName,
};
use palisade_seclang::{FileId, OperatorName, parse_str};

fn one(text: &str) -> K {
    let out = parse_str(text, FileId(0));
    assert!(out.diagnostics.is_empty(), "{text}: {:?}", out.diagnostics);
    assert_eq!(out.directives.len(), 1, "{text}");
    out.directives.into_iter().next().unwrap().kind
}

fn error(text: &str) -> String {
    let out = parse_str(text, FileId(0));
    assert!(
        out.directives.is_empty(),
        "{text} parsed: {:?}",
        out.directives
    );
    let errors: Vec<_> = out.errors().collect();
    assert_eq!(errors.len(), 1, "{text}: {errors:?}");
    errors[0].message.clone()
}

fn act(kind: ActionKind) -> Action {
    Action::new(kind)
}

fn no_effect(name: DirectiveName, argument: &str) -> K {
    K::NoEffect {
        name,
        argument: argument.to_owned(),
    }
}

/// Accepted directives, with what they parse to.
fn accepted() -> Vec<(&'static str, K)> {
    use DirectiveName as D;
    vec![
        (
            r#"SecRule ARGS "@rx a" "id:1""#,
            K::SecRule(Rule {
                variables: vec![Variable::new(VariableName::Args)],
                operator: Operator::new(OperatorName::Rx, "a"),
                actions: vec![act(ActionKind::Id(1))],
            }),
        ),
        (
            r#"SecAction "id:2,pass,nolog""#,
            K::SecAction(vec![
                act(ActionKind::Id(2)),
                act(ActionKind::Pass),
                act(ActionKind::NoLog),
            ]),
        ),
        (
            r#"SecRuleScript /etc/waf/x.lua "id:3,deny""#,
            K::SecRuleScript {
                path: "/etc/waf/x.lua".into(),
                actions: vec![act(ActionKind::Id(3)), act(ActionKind::Deny)],
            },
        ),
        (
            r#"SecDefaultAction "phase:2,log,auditlog,deny,status:403""#,
            K::SecDefaultAction(vec![
                act(ActionKind::Phase(Phase::RequestBody)),
                act(ActionKind::Log),
                act(ActionKind::AuditLog),
                act(ActionKind::Deny),
                act(ActionKind::Status(403)),
            ]),
        ),
        (
            "SecMarker END-HOST-CHECK",
            K::SecMarker("END-HOST-CHECK".into()),
        ),
        (
            "SecMarker \"END-HOST-CHECK\"",
            K::SecMarker("END-HOST-CHECK".into()),
        ),
        (
            "SecMarker 'END-HOST-CHECK'",
            K::SecMarker("END-HOST-CHECK".into()),
        ),
        ("Include rules/*.conf", K::Include("rules/*.conf".into())),
        (
            "Include \"rules/a.conf\"",
            K::Include("rules/a.conf".into()),
        ),
        (
            "SecRemoteRules mykey https://example.com/rules.conf",
            K::SecRemoteRules {
                key: "mykey".into(),
                url: "https://example.com/rules.conf".into(),
            },
        ),
        (
            "SecRemoteRulesFailAction Warn",
            K::SecRemoteRulesFailAction(RemoteRulesFailAction::Warn),
        ),
        ("SecRuleEngine On", K::SecRuleEngine(EngineMode::On)),
        ("SecRuleEngine off", K::SecRuleEngine(EngineMode::Off)),
        (
            "SecRuleEngine DetectionOnly",
            K::SecRuleEngine(EngineMode::DetectionOnly),
        ),
        ("SecRequestBodyAccess On", K::SecRequestBodyAccess(true)),
        ("SecResponseBodyAccess Off", K::SecResponseBodyAccess(false)),
        (
            "SecRequestBodyLimit 13107200",
            K::SecRequestBodyLimit(13_107_200),
        ),
        (
            "SecRequestBodyNoFilesLimit 131072",
            K::SecRequestBodyNoFilesLimit(131_072),
        ),
        (
            "SecRequestBodyLimitAction Reject",
            K::SecRequestBodyLimitAction(BodyLimitAction::Reject),
        ),
        (
            "SecResponseBodyLimit 524288",
            K::SecResponseBodyLimit(524_288),
        ),
        (
            "SecResponseBodyLimitAction ProcessPartial",
            K::SecResponseBodyLimitAction(BodyLimitAction::ProcessPartial),
        ),
        (
            "SecResponseBodyMimeType text/plain text/html",
            K::SecResponseBodyMimeType(vec!["text/plain".into(), "text/html".into()]),
        ),
        (
            "SecResponseBodyMimeTypesClear",
            K::SecResponseBodyMimeTypesClear,
        ),
        (
            "SecRequestBodyJsonDepthLimit 512",
            K::SecRequestBodyJsonDepthLimit(512),
        ),
        ("SecArgumentsLimit 1000", K::SecArgumentsLimit(1000)),
        ("SecArgumentSeparator ;", K::SecArgumentSeparator(b';')),
        ("SecArgumentSeparator \"&\"", K::SecArgumentSeparator(b'&')),
        ("SecPcreMatchLimit 1000", K::SecPcreMatchLimit(1000)),
        (
            "SecUnicodeMapFile unicode.mapping 20127",
            K::SecUnicodeMapFile {
                path: "unicode.mapping".into(),
                code_page: 20127,
            },
        ),
        ("SecXmlExternalEntity Off", K::SecXmlExternalEntity(false)),
        ("SecWebAppId \"app one\"", K::SecWebAppId("app one".into())),
        ("SecWebAppId app", K::SecWebAppId("app".into())),
        (
            "SecComponentSignature \"OWASP_CRS/4.28.0\"",
            K::SecComponentSignature("OWASP_CRS/4.28.0".into()),
        ),
        (
            "SecHttpBlKey abcdefghijkl",
            K::SecHttpBlKey("abcdefghijkl".into()),
        ),
        (
            "SecGeoLookupDb /usr/share/GeoIP/GeoLite2-Country.mmdb",
            K::SecGeoLookupDb("/usr/share/GeoIP/GeoLite2-Country.mmdb".into()),
        ),
        (
            "SecRuleRemoveById 1 2-5 '7'",
            K::SecRuleRemoveById(vec![
                IdRange::single(1),
                IdRange { start: 2, end: 5 },
                IdRange::single(7),
            ]),
        ),
        (
            "SecRuleRemoveByTag attack-sqli",
            K::SecRuleRemoveByTag("attack-sqli".into()),
        ),
        (
            "SecRuleRemoveByMsg \"SQL Injection\"",
            K::SecRuleRemoveByMsg("SQL Injection".into()),
        ),
        (
            "SecRuleUpdateTargetById 942100 \"!ARGS:password\"",
            K::SecRuleUpdateTargetById {
                id: 942_100,
                targets: vec![Variable {
                    negated: true,
                    ..Variable::new(VariableName::Args)
                        .with_selector(Selector::Key("password".into()))
                }],
            },
        ),
        (
            "SecRuleUpdateTargetByTag \"attack-sqli\" ARGS:foo|ARGS:bar",
            K::SecRuleUpdateTargetByTag {
                tag: "attack-sqli".into(),
                targets: vec![
                    Variable::new(VariableName::Args).with_selector(Selector::Key("foo".into())),
                    Variable::new(VariableName::Args).with_selector(Selector::Key("bar".into())),
                ],
            },
        ),
        (
            "SecRuleUpdateTargetByMsg \"SQL Injection\" \"!REQUEST_COOKIES:/^_ga/\"",
            K::SecRuleUpdateTargetByMsg {
                msg: "SQL Injection".into(),
                targets: vec![Variable {
                    negated: true,
                    ..Variable::new(VariableName::RequestCookies)
                        .with_selector(Selector::Regex("^_ga".into()))
                }],
            },
        ),
        (
            "SecRuleUpdateActionById 942100 \"deny,status:403\"",
            K::SecRuleUpdateActionById {
                id: 942_100,
                actions: vec![act(ActionKind::Deny), act(ActionKind::Status(403))],
            },
        ),
        (
            "SecDebugLog /var/log/debug.log",
            K::SecDebugLog("/var/log/debug.log".into()),
        ),
        ("SecDebugLogLevel 3", K::SecDebugLogLevel(3)),
        (
            "SecAuditEngine RelevantOnly",
            K::SecAuditEngine(AuditEngineMode::RelevantOnly),
        ),
        (
            "SecAuditLog \"/var/log/audit.log\"",
            K::SecAuditLog("/var/log/audit.log".into()),
        ),
        (
            "SecAuditLog2 /var/log/audit2.log",
            K::SecAuditLog2("/var/log/audit2.log".into()),
        ),
        (
            "SecAuditLogParts ABIJDEFHZ",
            K::SecAuditLogParts(AuditLogParts::from_letters("ABDEFHIJZ").unwrap()),
        ),
        (
            "SecAuditLogFormat JSON",
            K::SecAuditLogFormat(AuditLogFormat::Json),
        ),
        (
            "SecAuditLogFormat Native",
            K::SecAuditLogFormat(AuditLogFormat::Native),
        ),
        (
            "SecAuditLogType Serial",
            K::SecAuditLogType(AuditLogType::Serial),
        ),
        (
            "SecAuditLogType Parallel",
            K::SecAuditLogType(AuditLogType::Concurrent),
        ),
        (
            "SecAuditLogType HTTPS",
            K::SecAuditLogType(AuditLogType::Https),
        ),
        (
            "SecAuditLogStorageDir /var/log/audit/",
            K::SecAuditLogStorageDir("/var/log/audit/".into()),
        ),
        ("SecAuditLogDirMode 0750", K::SecAuditLogDirMode(0o750)),
        ("SecAuditLogFileMode 00640", K::SecAuditLogFileMode(0o640)),
        (
            "SecAuditLogRelevantStatus \"^(?:5|4(?!04))\"",
            K::SecAuditLogRelevantStatus("^(?:5|4(?!04))".into()),
        ),
        (
            "SecUploadDir /tmp/uploads",
            K::SecUploadDir("/tmp/uploads".into()),
        ),
        ("SecUploadFileLimit 100", K::SecUploadFileLimit(100)),
        ("SecUploadFileMode 0600", K::SecUploadFileMode(0o600)),
        ("SecUploadKeepFiles Off", K::SecUploadKeepFiles(false)),
        (
            "SecTmpSaveUploadedFiles On",
            K::SecTmpSaveUploadedFiles(true),
        ),
        (
            "SecPcreMatchLimitRecursion 1000",
            no_effect(D::SecPcreMatchLimitRecursion, "1000"),
        ),
        ("SecTmpDir /tmp/", no_effect(D::SecTmpDir, "/tmp/")),
        ("SecDataDir /tmp/", no_effect(D::SecDataDir, "/tmp/")),
        ("SecStatusEngine On", no_effect(D::SecStatusEngine, "On")),
        (
            "SecCollectionTimeout 600",
            no_effect(D::SecCollectionTimeout, "600"),
        ),
        ("SecConnEngine Off", no_effect(D::SecConnEngine, "Off")),
        (
            "SecRuleInheritance Off",
            no_effect(D::SecRuleInheritance, "Off"),
        ),
        (
            "SecDisableBackendCompression Off",
            no_effect(D::SecDisableBackendCompression, "Off"),
        ),
        (
            "SecContentInjection Off",
            no_effect(D::SecContentInjection, "Off"),
        ),
        ("SecHashEngine Off", no_effect(D::SecHashEngine, "Off")),
        (
            "SecInterceptOnError Off",
            no_effect(D::SecInterceptOnError, "Off"),
        ),
        ("SecCookieFormat 0", no_effect(D::SecCookieFormat, "0")),
    ]
}

#[test]
fn every_accepted_directive_parses_to_its_typed_form() {
    for (text, expected) in accepted() {
        assert_eq!(one(text), expected, "{text}");
        // Names are case-insensitive.
        let upper = text.replacen(
            text.split(' ').next().unwrap(),
            &text.split(' ').next().unwrap().to_ascii_uppercase(),
            1,
        );
        assert_eq!(one(&upper), expected, "{upper}");
    }
}

#[test]
fn default_only_directives_reject_other_values_with_modsecurity_messages() {
    let cases = [
        ("SecConnEngine On", "SecConnEngine is not yet supported."),
        (
            "SecRuleInheritance On",
            "SecRuleInheritance is not yet supported.",
        ),
        (
            "SecDisableBackendCompression On",
            "SecDisableBackendCompression is not supported.",
        ),
        (
            "SecContentInjection On",
            "SecContentInjection is not yet supported.",
        ),
        ("SecHashEngine On", "SecHashEngine is not yet supported."),
        (
            "SecInterceptOnError On",
            "SecInterceptOnError is not yet supported.",
        ),
        (
            "SecCookieFormat 1",
            "SecCookieFormat 1 is not yet supported.",
        ),
        (
            "SecUploadKeepFiles RelevantOnly",
            "SecUploadKeepFiles RelevantOnly is not currently supported. Accepted values are On or Off",
        ),
    ];
    for (text, message) in cases {
        assert_eq!(error(text), message, "{text}");
    }
}

#[test]
fn rejected_directives_fail_with_modsecurity_messages() {
    let mut seen = 0;
    for name in DirectiveName::all() {
        if let DirectiveSupport::Rejected(message) = name.support() {
            let text = format!("{} whatever 1", name.name());
            assert_eq!(error(&text), message, "{text}");
            seen += 1;
        }
    }
    assert_eq!(seen, 17);
    assert!(
        error("SecRequestBodyInMemoryLimit 131072").starts_with("As of ModSecurity version 3.0")
    );
}

#[test]
fn every_directive_name_is_covered_by_a_test() {
    let mut covered: BTreeSet<DirectiveName> =
        accepted().into_iter().map(|(_, k)| k.name()).collect();
    for name in DirectiveName::all() {
        if matches!(name.support(), DirectiveSupport::Rejected(_)) {
            covered.insert(name);
        }
    }
    let missing: Vec<_> = DirectiveName::all()
        .filter(|n| !covered.contains(n))
        .collect();
    assert!(missing.is_empty(), "no test for {missing:?}");
    assert_eq!(covered.len(), 81);
}

#[test]
fn directives_print_back_to_themselves() {
    for (text, expected) in accepted() {
        let printed = expected.to_string();
        assert_eq!(one(&printed), expected, "{text} printed as {printed}");
    }
}
