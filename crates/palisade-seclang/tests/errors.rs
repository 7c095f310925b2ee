//! Malformed rules: each input with the errors it must give, at their line and column, with
//! their message. Inputs ModSecurity v3 rejects were checked against libmodsecurity 3.0.9; the
//! messages are Palisade's (ModSecurity's own where it has a useful one).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use palisade_seclang::{FileId, Level, parse_str};

/// (input, [(line, column, message)]).
type Case = (&'static str, &'static [(u32, u32, &'static str)]);

const CASES: &[Case] = &[
    (
        r#"SecRuleEngine Onn"#,
        &[(
            1,
            15,
            r#"expected On, Off or DetectionOnly after `SecRuleEngine`, found `Onn`"#,
        )],
    ),
    (
        r#"SecRuleEngine"#,
        &[(
            1,
            14,
            r#"`SecRuleEngine` needs On, Off or DetectionOnly, found end of file"#,
        )],
    ),
    (r#"SecFoo bar"#, &[(1, 1, r#"unknown directive `SecFoo`"#)]),
    (
        r#""SecRule ARGS""#,
        &[(1, 1, r#"expected a directive, found `"`"#)],
    ),
    (
        r#"SecRule ARGS"#,
        &[(
            1,
            13,
            r#"expected an operator after the variables, found end of file"#,
        )],
    ),
    (
        r#"SecRule ARGS|  "@rx a" "id:1""#,
        &[(1, 14, r#"expected a variable, found whitespace"#)],
    ),
    (
        r#"SecRule ARGS| "@rx a" "id:1""#,
        &[(1, 14, r#"expected a variable, found whitespace"#)],
    ),
    (
        r#"SecRule FOO "@rx a" "id:1""#,
        &[(1, 9, r#"unknown variable `FOO`"#)],
    ),
    (
        r#"SecRule REQUEST_METHOD:foo "@rx a" "id:1""#,
        &[(
            1,
            23,
            r#"`REQUEST_METHOD` is not a collection: it takes no `:key`"#,
        )],
    ),
    (
        r#"SecRule &!ARGS "@rx a" "id:1""#,
        &[(
            1,
            10,
            r#"a variable can be excluded (`!`) or counted (`&`), not both"#,
        )],
    ),
    (
        r#"SecRule ARGS: "@rx a" "id:1""#,
        &[(
            1,
            14,
            r#"expected a key or `/regex/` after `ARGS:`, found whitespace"#,
        )],
    ),
    (
        r#"SecRule "ARGS "@rx a" "id:1""#,
        &[(
            1,
            14,
            r#"expected `|` or the closing `"` after the variable, found whitespace"#,
        )],
    ),
    (
        r#"SecRule ARGS "@rx " "id:1""#,
        &[(1, 19, r#"`@rx` needs an argument"#)],
    ),
    (
        r#"SecRule ARGS "@pm" "id:1""#,
        &[(1, 18, r#"`@pm` needs an argument"#)],
    ),
    (
        r#"SecRule ARGS "@foo bar" "id:1""#,
        &[(1, 15, r#"unknown operator `@foo`"#)],
    ),
    (
        r#"SecRule ARGS "@detectSQLi x" "id:1""#,
        &[(1, 27, r#"`@detectSQLi` takes no argument"#)],
    ),
    (
        r#"SecRule ARGS "@rsub s/a/b/" "id:1""#,
        &[(1, 15, r#"@rsub is not supported by ModSecurity v3"#)],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,phase:7""#,
        &[(1, 34, r#"Unknown phase: 7"#)],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:abc""#,
        &[(
            1,
            26,
            r#"expected a rule id (digits) after `id:`, found `abc`"#,
        )],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:01""#,
        &[(
            1,
            26,
            r#"The input "01" does not seems to be a valid rule id."#,
        )],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:0""#,
        &[(
            1,
            26,
            r#"rule id 0 is not valid: ModSecurity v3 reads `id:0` as a missing id"#,
        )],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,severity:BAD""#,
        &[(
            1,
            37,
            r#"unknown severity `BAD`: expected 0-7 or EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, NOTICE, INFO, DEBUG"#,
        )],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,t:foo""#,
        &[(1, 30, r#"unknown transformation `foo`"#)],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,foo""#,
        &[(1, 28, r#"unknown action `foo`"#)],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,deny:x""#,
        &[(1, 32, r#"`deny` takes no value"#)],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,msg:''""#,
        &[(1, 32, r#"`msg` needs a value"#)],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,msg:'unterminated""#,
        &[(
            1,
            32,
            r#"unterminated value of `msg`: the closing `'` is missing"#,
        )],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,pass,""#,
        &[(1, 33, r#"expected an action, found `"`"#)],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1 pass""#,
        &[(
            1,
            28,
            r#"expected `,` or the closing `"` after the action, found `pass`"#,
        )],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,msg:'100% sure'""#,
        &[(1, 36, r#"expected `%{` to start a macro, found a bare `%`"#)],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,msg:'%{foo}'""#,
        &[(1, 35, r#"unknown variable `foo` in macro `%{foo…}`"#)],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,logdata:'%{tx.a b}'""#,
        &[(
            1,
            43,
            r#"expected `}` to close the macro `%{tx…`, found whitespace"#,
        )],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,setvar:tx.a=""#,
        &[(1, 40, r#"expected a value after `=` in setvar, found `"`"#)],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,setvar:args.a=1""#,
        &[(
            1,
            35,
            r#"setvar can only write TX, IP, GLOBAL, RESOURCE, SESSION or USER, found `args`"#,
        )],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,setvar:'tx.a=b,c'""#,
        &[(1, 42, r#"expected the closing `'` of setvar, found `,`"#)],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,ver:1.0""#,
        &[(1, 32, r#"the value of `ver` must be quoted: ver:'…'"#)],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,initcol:IP=x""#,
        &[(
            1,
            36,
            r#"Something wrong with initcol: collection must be `ip', `global' or `resource'"#,
        )],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,status:abc""#,
        &[(
            1,
            35,
            r#"expected an HTTP status after `status:`, found `abc`"#,
        )],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,skip:-1""#,
        &[(1, 33, r#"expected a number after `skip:`, found `-`"#)],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,allow:foo""#,
        &[(
            1,
            34,
            r#"Allow: if specified, the parameter must be: phase, request"#,
        )],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,ctl:auditLogParts=ABC""#,
        &[(
            1,
            46,
            r#"expected `+` or `-` and parts after `ctl:auditLogParts=`, found `ABC`"#,
        )],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,ctl:ruleRemoveTargetById=942100""#,
        &[(1, 53, r#"942100 is not a valid `ID;VARIABLE'"#)],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,xmlns:soap""#,
        &[(1, 34, r#"XMLS: Bad format, missing equals sign."#)],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,phase:'request'""#,
        &[(1, 34, r#"write `phase:request` without quotes"#)],
    ),
    (
        r#"SecRule ARGS "@rx a" id:1,pass"#,
        &[(1, 26, r#"more than one action must be quoted"#)],
    ),
    (
        r#"SecRule ARGS "@rx a"
SecRule ARGS "@rx b" "id:2""#,
        &[(
            1,
            21,
            r#"a SecRule without actions must be followed by a blank line or the end of the file"#,
        )],
    ),
    (
        r#"SecAction id:1"#,
        &[(1, 11, r#"expected a quoted action list, found `id`"#)],
    ),
    (
        r#"SecAction """#,
        &[(1, 11, r#"`SecAction` needs at least one action"#)],
    ),
    (
        r#"SecDefaultAction "phase:1,log,block""#,
        &[(
            1,
            1,
            r#"SecDefaultAction must specify a disruptive action."#,
        )],
    ),
    (
        r#"SecDefaultAction "phase:1,deny,id:5""#,
        &[(
            1,
            32,
            r#"The action 'id' is not suitable to be part of the SecDefaultActions"#,
        )],
    ),
    (
        r#"SecDefaultAction "phase:2,deny,t:none""#,
        &[(
            1,
            32,
            r#"The transformation none is not suitable to be part of the SecDefaultActions"#,
        )],
    ),
    (
        r#"SecRuleRemoveById 1 abc"#,
        &[(
            1,
            19,
            r#"SecRuleRemoveById: failed to load:1 abc. Not a number or range: abc"#,
        )],
    ),
    (
        r#"SecRuleRemoveById 5-2"#,
        &[(
            1,
            19,
            r#"SecRuleRemoveById: failed to load:5-2. Invalid range: 5-2"#,
        )],
    ),
    (
        r#"SecRuleUpdateTargetById 1 ARGS:foo ARGS:bar"#,
        &[(1, 36, r#"unexpected `ARGS` after the targets"#)],
    ),
    (
        r#"SecRuleUpdateTargetById 920100-920200 ARGS:foo"#,
        &[(
            1,
            25,
            r#"SecRuleUpdateTargetById: failed to load:The input "920100-920200" does not seems to be a valid rule id."#,
        )],
    ),
    (
        r#"SecMarker "BEGIN HOST""#,
        &[(1, 17, r#"expected the closing `"`, found whitespace"#)],
    ),
    (
        r#"SecArgumentSeparator ;;"#,
        &[(
            1,
            22,
            r#"Argument separator should be set to a single character."#,
        )],
    ),
    (
        r#"SecAuditLogParts ABL"#,
        &[(1, 18, r#"`L` is not an audit log part (A-K, Z)"#)],
    ),
    (
        r#"SecComponentSignature OWASP"#,
        &[(
            1,
            23,
            r#"expected a quoted value after `SecComponentSignature`, found `OWASP`"#,
        )],
    ),
    (
        r#"SecRequestBodyLimit 99999999999999999999999"#,
        &[(
            1,
            21,
            r#"the number `99999999999999999999999` is too large"#,
        )],
    ),
    (
        r#"SecAuditLogFileMode 0999"#,
        &[(
            1,
            21,
            r#"expected an octal mode (like 0640) after `SecAuditLogFileMode`, found `0999`"#,
        )],
    ),
    (
        r#"Include "/etc/my waf/x.conf""#,
        &[(1, 17, r#"unexpected whitespace in the path"#)],
    ),
    (
        r#"SecRuleEngine On SecRequestBodyAccess On"#,
        &[(
            1,
            18,
            r#"expected the end of the line, found `SecRequestBodyAccess`"#,
        )],
    ),
    (
        r#"# comment
SecRule ARGS "@rx a" \
    "id:1,\
    phase:2,\
    t:bogus,\
    pass""#,
        &[(5, 7, r#"unknown transformation `bogus`"#)],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,phase:8"
SecRule ARGS "@rx b" "id:2,t:nope"

SecRuleEngine Maybe"#,
        &[
            (1, 34, r#"Unknown phase: 8"#),
            (2, 30, r#"unknown transformation `nope`"#),
            (
                4,
                15,
                r#"expected On, Off or DetectionOnly after `SecRuleEngine`, found `Maybe`"#,
            ),
        ],
    ),
    (
        r#"SecRule ARGS "@rx a" "id:1,
    pass"
"#,
        &[(1, 28, r#"expected an action, found end of line"#)],
    ),
];

#[test]
fn malformed_inputs_report_line_column_and_message() {
    let mut checked = 0;
    for (input, expected) in CASES {
        let out = parse_str(input, FileId(0));
        let got: Vec<(u32, u32, &str)> = out
            .diagnostics
            .iter()
            .filter(|d| d.level == Level::Error)
            .map(|d| (d.span.line, d.span.column, d.message.as_str()))
            .collect();
        assert_eq!(got, expected.to_vec(), "input: {input:?}");
        checked += expected.len();
    }
    assert!(CASES.len() >= 40);
    println!(
        "malformed inputs: {} inputs, {checked} errors checked",
        CASES.len()
    );
}

#[test]
fn errors_render_with_the_line_and_a_caret() {
    let text = "SecRuleEngine On\nSecRule ARGS \"@rx a\" \"id:1,t:foo\"\n";
    let out = parse_str(text, FileId(0));
    assert_eq!(out.diagnostics.len(), 1);
    assert_eq!(
        out.diagnostics[0].render("rules.conf", text),
        "rules.conf:2:30: error: unknown transformation `foo`\n  |\n2 | SecRule ARGS \"@rx a\" \"id:1,t:foo\"\n  |                              ^\n"
    );
}

#[test]
fn the_parser_recovers_and_keeps_the_good_directives() {
    let text = "SecRule ARGS \"@rx a\" \"id:1,phase:8\"\nSecRuleEngine On\nSecRule ARGS \"@rx a\" \\\n  \"id:2,\\\n  bogus\"\nSecRule ARGS \"@rx b\" \"id:3\"\n";
    let out = parse_str(text, FileId(0));
    let lines: Vec<u32> = out.errors().map(|d| d.span.line).collect();
    assert_eq!(lines, vec![1, 5]);
    assert_eq!(out.directives.len(), 2);
    assert_eq!(out.directives[1].span.line, 6);
}
