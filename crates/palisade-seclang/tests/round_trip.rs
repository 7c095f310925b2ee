//! `parse(print(ast)) == ast` for generated ASTs (proptest), and no panic on arbitrary text.
//!
//! The generators produce every AST the parser can produce from text: values are drawn from
//! alphabets that SecLang can express (a `msg` may hold `'` or `,`, but not a `"` together
//! with both, which no quoting of ModSecurity's scanner can carry).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use palisade_seclang::ast::{
    Action, ActionKind, AllowScope, AuditEngineMode, AuditLogFormat, AuditLogParts, AuditLogType,
    BodyLimitAction, BodyProcessor, Ctl, Directive, DirectiveKind, DirectiveName, EngineMode,
    IdRange, InitCol, Operator, Phase, RemoteRulesFailAction, Rule, Selector, SetVar, SetVarOp,
    Severity, Variable, VariableName, VariableSupport, XmlNs, takes_argument,
};
use palisade_seclang::{FileId, MacroString, OperatorName, OperatorSupport, Span, parse_str};
use palisade_transform::TransformId;
use proptest::prelude::*;
use proptest::sample::select;

fn accepted_variables() -> Vec<VariableName> {
    VariableName::all()
        .filter(|v| v.support() == VariableSupport::Accepted)
        .collect()
}

fn key() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-][A-Za-z0-9_.-]{0,11}"
}

fn selector(name: VariableName) -> BoxedStrategy<Option<Selector>> {
    if !name.is_collection() {
        return Just(None).boxed();
    }
    match name {
        VariableName::Xml => prop_oneof![
            Just(None),
            prop::collection::vec("[a-z*@:]{1,6}", 1..4)
                .prop_map(|segs| Some(Selector::XPath(format!("/{}", segs.join("/"))))),
        ]
        .boxed(),
        VariableName::Env => {
            prop_oneof![Just(None), key().prop_map(|k| Some(Selector::Key(k)))].boxed()
        }
        _ => prop_oneof![
            Just(None),
            key().prop_map(|k| Some(Selector::Key(k))),
            // A `|` needs the '/…/' form; two of those in one list read as one regular
            // expression in ModSecurity, so lists get at most the unquoted form here (the
            // quoted form has its own tests).
            "[A-Za-z0-9_^$()?*+.,\\[\\]-]{1,12}".prop_map(|r| Some(Selector::Regex(r))),
        ]
        .boxed(),
    }
}

fn variable() -> impl Strategy<Value = Variable> {
    (select(accepted_variables()), 0..3u8).prop_flat_map(|(name, flag)| {
        selector(name).prop_map(move |selector| Variable {
            span: Span::default(),
            negated: flag == 1,
            count: flag == 2,
            name,
            selector,
        })
    })
}

/// A `%{…}` macro.
fn macro_ref() -> impl Strategy<Value = String> {
    prop_oneof![
        select(vec![
            "MATCHED_VAR",
            "REMOTE_ADDR",
            "matched_var_name",
            "UNIQUE_ID"
        ])
        .prop_map(|s| format!("%{{{s}}}")),
        (
            select(vec!["tx", "TX", "REQUEST_HEADERS", "ARGS", "rule", "ip"]),
            "[a-z0-9_]{1,8}"
        )
            .prop_map(|(c, k)| format!("%{{{c}.{k}}}")),
    ]
}

/// Text with macros, from `alphabet` (a regex character class body).
fn macro_text(alphabet: &'static str, max: usize) -> impl Strategy<Value = MacroString> {
    let piece = prop_oneof![
        3 => proptest::string::string_regex(&format!("[{alphabet}]{{1,{max}}}")).unwrap(),
        1 => macro_ref(),
    ];
    prop::collection::vec(piece, 1..4).prop_map(|pieces| MacroString::parse(&pieces.concat()))
}

fn operator() -> impl Strategy<Value = Operator> {
    let names: Vec<OperatorName> = OperatorName::all()
        .filter(|o| o.support() == OperatorSupport::Accepted)
        .collect();
    (select(names), any::<bool>()).prop_flat_map(|(name, negated)| {
        let arg = if takes_argument(name) {
            macro_text("A-Za-z0-9 _.,;:!?'()\\[\\]{}^$*+|/<>=&#~-", 12).boxed()
        } else {
            Just(MacroString::default()).boxed()
        };
        arg.prop_map(move |argument| Operator {
            span: Span::default(),
            negated,
            name,
            argument,
        })
    })
}

/// Predicate values (`msg`, `tag`, …): may hold `'` and `,`, not `"` or a bare `%`.
fn predicate() -> impl Strategy<Value = MacroString> {
    macro_text("A-Za-z0-9 _.;:!?'(),\\[\\]^$*+|/<>=&#~-", 10)
}

fn setvar() -> impl Strategy<Value = SetVar> {
    let collections = vec![
        VariableName::Tx,
        VariableName::Ip,
        VariableName::Global,
        VariableName::Resource,
        VariableName::Session,
        VariableName::User,
    ];
    (
        select(collections),
        macro_text("a-z0-9_", 8),
        select(vec![
            SetVarOp::Set,
            SetVarOp::Add,
            SetVarOp::Sub,
            SetVarOp::Delete,
        ]),
        macro_text("A-Za-z0-9 _.;:|/", 8),
    )
        .prop_map(|(collection, key, op, value)| {
            let value = match op {
                SetVarOp::Delete => MacroString::default(),
                _ => value,
            };
            SetVar {
                collection,
                key,
                op,
                value,
            }
        })
}

fn target() -> impl Strategy<Value = Variable> {
    (
        select(vec![
            VariableName::Args,
            VariableName::RequestCookies,
            VariableName::RequestHeaders,
        ]),
        "[A-Za-z0-9_.-]{1,10}",
    )
        .prop_map(|(name, k)| Variable::new(name).with_selector(Selector::Key(k)))
}

fn ctl() -> impl Strategy<Value = Ctl> {
    prop_oneof![
        select(vec![
            AuditEngineMode::On,
            AuditEngineMode::Off,
            AuditEngineMode::RelevantOnly
        ])
        .prop_map(Ctl::AuditEngine),
        (any::<bool>(), "[A-KZ]{1,5}").prop_map(|(add, p)| Ctl::AuditLogParts {
            add,
            parts: AuditLogParts::from_letters(&p).unwrap(),
        }),
        any::<bool>().prop_map(Ctl::ForceRequestBodyVariable),
        any::<bool>().prop_map(Ctl::RequestBodyAccess),
        select(vec![
            BodyProcessor::Json,
            BodyProcessor::Xml,
            BodyProcessor::UrlEncoded
        ])
        .prop_map(Ctl::RequestBodyProcessor),
        select(vec![
            EngineMode::On,
            EngineMode::Off,
            EngineMode::DetectionOnly
        ])
        .prop_map(Ctl::RuleEngine),
        id_range().prop_map(Ctl::RuleRemoveById),
        "[A-Za-z0-9_/.-]{1,12}".prop_map(Ctl::RuleRemoveByTag),
        (1..1_000_000u64, target())
            .prop_map(|(id, target)| Ctl::RuleRemoveTargetById { id, target }),
        ("[A-Za-z0-9_/.-]{1,12}", target())
            .prop_map(|(tag, target)| Ctl::RuleRemoveTargetByTag { tag, target }),
    ]
}

fn id_range() -> impl Strategy<Value = IdRange> {
    (0..1_000_000u64, 0..1000u64).prop_map(|(start, len)| IdRange {
        start,
        end: start + len,
    })
}

fn action_kind() -> impl Strategy<Value = ActionKind> {
    let flags = select(vec![
        ActionKind::AuditLog,
        ActionKind::Block,
        ActionKind::Capture,
        ActionKind::Chain,
        ActionKind::Deny,
        ActionKind::Drop,
        ActionKind::Log,
        ActionKind::MultiMatch,
        ActionKind::NoAuditLog,
        ActionKind::NoLog,
        ActionKind::Pass,
        ActionKind::Allow(AllowScope::All),
        ActionKind::Allow(AllowScope::Request),
        ActionKind::Allow(AllowScope::Phase),
    ]);
    prop_oneof![
        flags,
        any::<u16>().prop_map(|n| ActionKind::Accuracy(u32::from(n))),
        any::<u16>().prop_map(|n| ActionKind::Maturity(u32::from(n))),
        ctl().prop_map(ActionKind::Ctl),
        "[A-Za-z0-9_/.-]{1,16}".prop_map(ActionKind::Exec),
        predicate().prop_map(ActionKind::ExpireVar),
        (1..(1u64 << 53)).prop_map(ActionKind::Id),
        (
            select(vec![
                VariableName::Ip,
                VariableName::Global,
                VariableName::Resource
            ]),
            predicate()
        )
            .prop_map(|(collection, key)| ActionKind::InitCol(InitCol { collection, key })),
        predicate().prop_map(ActionKind::LogData),
        predicate().prop_map(ActionKind::Msg),
        select(Phase::ALL.to_vec()).prop_map(ActionKind::Phase),
        predicate().prop_map(ActionKind::Redirect),
        "[A-Za-z0-9 _./;:-]{1,12}".prop_map(ActionKind::Rev),
        predicate().prop_map(ActionKind::SetEnv),
        predicate().prop_map(ActionKind::SetRsc),
        predicate().prop_map(ActionKind::SetSid),
        predicate().prop_map(ActionKind::SetUid),
        setvar().prop_map(ActionKind::SetVar),
        (0..20u32).prop_map(|level| ActionKind::Severity(Severity { level })),
        any::<u16>().prop_map(|n| ActionKind::Skip(u32::from(n))),
        "[A-Za-z0-9_-][A-Za-z0-9_.:-]{0,15}".prop_map(ActionKind::SkipAfter),
        any::<u16>().prop_map(ActionKind::Status),
        predicate().prop_map(ActionKind::Tag),
        select(TransformId::ALL.to_vec()).prop_map(ActionKind::Transform),
        "[A-Za-z0-9 _./,;:-]{1,16}".prop_map(ActionKind::Ver),
        ("[a-z]{1,6}", "[a-z0-9./-]{1,20}").prop_map(|(prefix, rest)| ActionKind::XmlNs(XmlNs {
            prefix,
            uri: format!("http://{rest}"),
        })),
    ]
}

fn actions(min: usize) -> impl Strategy<Value = Vec<Action>> {
    prop::collection::vec(action_kind().prop_map(Action::new), min..8)
}

fn path() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_/.*:-]{1,20}"
}

fn no_effect() -> impl Strategy<Value = DirectiveKind> {
    use DirectiveName as D;
    prop_oneof![
        any::<u32>().prop_map(|n| (D::SecPcreMatchLimitRecursion, n.to_string())),
        path().prop_map(|p| (D::SecTmpDir, p)),
        path().prop_map(|p| (D::SecDataDir, p)),
        select(vec!["On", "Off"]).prop_map(|v| (D::SecStatusEngine, v.to_owned())),
        any::<u32>().prop_map(|n| (D::SecCollectionTimeout, n.to_string())),
        select(vec![
            D::SecConnEngine,
            D::SecRuleInheritance,
            D::SecDisableBackendCompression,
            D::SecContentInjection,
            D::SecHashEngine,
            D::SecInterceptOnError,
        ])
        .prop_map(|d| (d, "Off".to_owned())),
        Just((D::SecCookieFormat, "0".to_owned())),
    ]
    .prop_map(|(name, argument)| DirectiveKind::NoEffect { name, argument })
}

fn default_actions() -> impl Strategy<Value = Vec<Action>> {
    (
        select(Phase::ALL.to_vec()),
        select(vec![
            ActionKind::Deny,
            ActionKind::Pass,
            ActionKind::Drop,
            ActionKind::Allow(AllowScope::All),
        ]),
        prop::collection::vec(
            select(vec![
                ActionKind::Log,
                ActionKind::NoLog,
                ActionKind::AuditLog,
                ActionKind::Status(403),
                ActionKind::Transform(TransformId::Lowercase),
                ActionKind::Block,
            ]),
            0..4,
        ),
    )
        .prop_map(|(phase, disruptive, rest)| {
            let mut v = vec![
                Action::new(ActionKind::Phase(phase)),
                Action::new(disruptive),
            ];
            v.extend(rest.into_iter().map(Action::new));
            v
        })
}

fn variables() -> impl Strategy<Value = Vec<Variable>> {
    prop::collection::vec(variable(), 1..5)
}

fn directive_kind() -> impl Strategy<Value = DirectiveKind> {
    let bool_dir =
        (select(vec![0u8, 1, 2, 3, 4]), any::<bool>()).prop_map(|(which, b)| match which {
            0 => DirectiveKind::SecRequestBodyAccess(b),
            1 => DirectiveKind::SecResponseBodyAccess(b),
            2 => DirectiveKind::SecXmlExternalEntity(b),
            3 => DirectiveKind::SecUploadKeepFiles(b),
            _ => DirectiveKind::SecTmpSaveUploadedFiles(b),
        });
    let num_dir =
        (select(vec![0u8, 1, 2, 3, 4, 5, 6]), any::<u64>()).prop_map(|(which, n)| match which {
            0 => DirectiveKind::SecRequestBodyLimit(n),
            1 => DirectiveKind::SecRequestBodyNoFilesLimit(n),
            2 => DirectiveKind::SecResponseBodyLimit(n),
            3 => DirectiveKind::SecRequestBodyJsonDepthLimit(n),
            4 => DirectiveKind::SecArgumentsLimit(n),
            5 => DirectiveKind::SecPcreMatchLimit(n),
            _ => DirectiveKind::SecUploadFileLimit(n),
        });
    let path_dir = (select(vec![0u8, 1, 2, 3, 4]), path()).prop_map(|(which, p)| match which {
        0 => DirectiveKind::SecDebugLog(p),
        1 => DirectiveKind::SecAuditLog(p),
        2 => DirectiveKind::SecAuditLog2(p),
        3 => DirectiveKind::SecAuditLogStorageDir(p),
        _ => DirectiveKind::SecUploadDir(p),
    });
    let mode_dir = (select(vec![0u8, 1, 2]), 0..0o7777u32).prop_map(|(which, m)| match which {
        0 => DirectiveKind::SecAuditLogDirMode(m),
        1 => DirectiveKind::SecAuditLogFileMode(m),
        _ => DirectiveKind::SecUploadFileMode(m),
    });
    let text_line = "[A-Za-z0-9_./:-][A-Za-z0-9 _./:#-]{0,15}[A-Za-z0-9_./:-]";
    prop_oneof![
        8 => (variables(), operator(), actions(0)).prop_map(|(variables, operator, actions)| {
            DirectiveKind::SecRule(Rule { variables, operator, actions })
        }),
        2 => actions(1).prop_map(DirectiveKind::SecAction),
        1 => (path(), actions(1)).prop_map(|(path, actions)| DirectiveKind::SecRuleScript { path, actions }),
        1 => default_actions().prop_map(DirectiveKind::SecDefaultAction),
        1 => "[A-Za-z0-9_./:'-]{1,16}"
            .prop_filter("quotes would be removed", |m| !(m.len() > 1 && m.starts_with('\'') && m.ends_with('\'')))
            .prop_map(DirectiveKind::SecMarker),
        1 => path().prop_map(DirectiveKind::Include),
        1 => ("[A-Za-z0-9_-]{1,10}", "https://[a-z./]{1,20}")
            .prop_map(|(key, url)| DirectiveKind::SecRemoteRules { key, url }),
        1 => select(vec![RemoteRulesFailAction::Abort, RemoteRulesFailAction::Warn])
            .prop_map(DirectiveKind::SecRemoteRulesFailAction),
        1 => select(vec![EngineMode::On, EngineMode::Off, EngineMode::DetectionOnly])
            .prop_map(DirectiveKind::SecRuleEngine),
        2 => bool_dir,
        2 => num_dir,
        1 => (any::<bool>(), select(vec![BodyLimitAction::Reject, BodyLimitAction::ProcessPartial]))
            .prop_map(|(req, a)| if req {
                DirectiveKind::SecRequestBodyLimitAction(a)
            } else {
                DirectiveKind::SecResponseBodyLimitAction(a)
            }),
        1 => prop::collection::vec("[a-z]{1,8}/[a-z+.-]{1,8}", 1..4)
            .prop_map(DirectiveKind::SecResponseBodyMimeType),
        1 => Just(DirectiveKind::SecResponseBodyMimeTypesClear),
        1 => select(b"&;:|!$*+-./=?@^_~".to_vec()).prop_map(DirectiveKind::SecArgumentSeparator),
        1 => ("[A-Za-z0-9_./-]{1,12}", any::<u32>())
            .prop_map(|(path, code_page)| DirectiveKind::SecUnicodeMapFile { path, code_page }),
        1 => "[A-Za-z0-9 _./:|-]{1,16}".prop_map(DirectiveKind::SecWebAppId),
        1 => "[A-Za-z0-9 _./:|-]{1,16}".prop_map(DirectiveKind::SecComponentSignature),
        1 => text_line.prop_map(DirectiveKind::SecHttpBlKey),
        1 => text_line.prop_map(DirectiveKind::SecGeoLookupDb),
        1 => prop::collection::vec(id_range(), 1..4).prop_map(DirectiveKind::SecRuleRemoveById),
        1 => text_line.prop_map(DirectiveKind::SecRuleRemoveByTag),
        1 => text_line.prop_map(DirectiveKind::SecRuleRemoveByMsg),
        1 => (1..1_000_000u64, variables())
            .prop_map(|(id, targets)| DirectiveKind::SecRuleUpdateTargetById { id, targets }),
        1 => ("[A-Za-z0-9 _./:-]{1,12}", variables())
            .prop_map(|(tag, targets)| DirectiveKind::SecRuleUpdateTargetByTag { tag, targets }),
        1 => ("[A-Za-z0-9 _./:-]{1,12}", variables())
            .prop_map(|(msg, targets)| DirectiveKind::SecRuleUpdateTargetByMsg { msg, targets }),
        1 => (1..1_000_000u64, actions(1))
            .prop_map(|(id, actions)| DirectiveKind::SecRuleUpdateActionById { id, actions }),
        1 => (0..10u32).prop_map(DirectiveKind::SecDebugLogLevel),
        1 => select(vec![AuditEngineMode::On, AuditEngineMode::Off, AuditEngineMode::RelevantOnly])
            .prop_map(DirectiveKind::SecAuditEngine),
        2 => path_dir,
        1 => "[A-KZ]{1,8}".prop_map(|p| DirectiveKind::SecAuditLogParts(AuditLogParts::from_letters(&p).unwrap())),
        1 => select(vec![AuditLogFormat::Json, AuditLogFormat::Native]).prop_map(DirectiveKind::SecAuditLogFormat),
        1 => select(vec![AuditLogType::Serial, AuditLogType::Concurrent, AuditLogType::Https])
            .prop_map(DirectiveKind::SecAuditLogType),
        1 => mode_dir,
        1 => "[A-Za-z0-9^$()?:|!]{1,12}".prop_map(DirectiveKind::SecAuditLogRelevantStatus),
        2 => no_effect(),
    ]
}

fn print(directives: &[Directive]) -> String {
    directives.iter().map(|d| format!("{d}\n")).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn parse_of_print_is_identity(kinds in prop::collection::vec(directive_kind(), 1..6)) {
        let ast: Vec<Directive> = kinds.into_iter().map(Directive::new).collect();
        let text = print(&ast);
        let out = parse_str(&text, FileId(0));
        prop_assert!(out.is_ok(), "{}\n{:?}", text, out.diagnostics);
        prop_assert_eq!(out.directives, ast, "{}", text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let out = parse_str(&text, FileId(0));
        // Every directive of the output prints as text that parses back to it.
        let again = parse_str(&print(&out.directives), FileId(0));
        prop_assert_eq!(again.directives, out.directives);
    }

    #[test]
    fn mutated_rules_never_panic(
        base in select(vec![
            "SecRule ARGS:/^id_/|!ARGS:foo \"@rx ^%{tx.a}\\\"$\" \"id:1,msg:'a %{MATCHED_VAR}',setvar:'tx.x=+1'\"\n",
            "SecAction \"id:2,phase:1,ctl:ruleRemoveTargetById=3;ARGS:b,t:none,pass\"\n",
            "SecRuleUpdateTargetById 3 \"!REQUEST_COOKIES:'/a|b/'\"\n",
        ]),
        cut in 0usize..200,
        insert in "[\"'\\\\%{},|:!&@ \\n]{0,3}",
    ) {
        let mut text = base.to_owned();
        let cut = cut.min(text.len());
        if text.is_char_boundary(cut) {
            text.insert_str(cut, &insert);
        }
        let out = parse_str(&text, FileId(0));
        let again = parse_str(&print(&out.directives), FileId(0));
        prop_assert_eq!(again.directives, out.directives);
    }
}
