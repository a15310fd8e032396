//! The TOML world file: what it builds, and how it refuses bad worlds.

use sts_model::world::{MfaCode, WorldFile};

const EXAMPLE: &str = r#"
[settings]
seed = 42
clock = "2024-01-01T00:00:00Z"
region = "global"
session_token_padding = 5000

[[accounts]]
id = "123456789012"
outbound_web_identity_federation = true
disabled_regions = ["ap-east-1"]
root_access_key = { id = "AKIAROOTROOTROOTROOT", secret = "root-secret-root-secret-root-secret-0000" }

[[accounts.users]]
name = "alice"
path = "/dev/"
access_keys = [{ id = "AKIAALICEALICEALICE1", secret = "alice-secret-alice-secret-alice-secret-0" }]
mfa_devices = [
  { serial = "arn:aws:iam::123456789012:mfa/alice", code = "123456" },
  { serial = "arn:aws:iam::123456789012:mfa/alice-app", totp_secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" },
]
tags = { Team = "blue" }

[[accounts.roles]]
name = "deploy"
path = "/ci/"
max_session_duration = 7200
trust = ["arn:aws:iam::123456789012:user/dev/alice"]
external_id = "ci-42"
require_mfa = true
tags = { Project = "Pegasus" }
policies = ["arn:aws:iam::123456789012:policy/deploy"]

[[accounts.oidc_providers]]
url = "https://token.actions.githubusercontent.com"
client_ids = ["sts.amazonaws.com"]

[[accounts]]
id = "222222222222"
management_account = "111111111111"

[[policies]]
arn = "arn:aws:iam::123456789012:policy/deploy"
document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
"#;

#[test]
fn the_documented_example_builds_the_world_it_describes() {
    let file = WorldFile::parse(EXAMPLE).unwrap();
    assert_eq!(file.settings.seed, Some(42));
    assert_eq!(file.settings.region, Some(None), "\"global\" means the global endpoint");
    assert_eq!(file.settings.session_token_padding, Some(5000));
    assert_eq!(file.settings.clock.unwrap().unix_timestamp(), 1_704_067_200);
    let w = &file.world;
    let alice = w.user("123456789012", "alice").unwrap();
    assert_eq!(alice.path, "/dev/");
    assert!(matches!(alice.mfa_devices[1].code, MfaCode::Totp(_)));
    assert_eq!(w.long_term_key("AKIAALICEALICEALICE1").unwrap().1, "alice-secret-alice-secret-alice-secret-0");
    assert!(w.long_term_key("AKIAROOTROOTROOTROOT").is_some());
    let role = w.role("123456789012", "deploy").unwrap();
    assert_eq!((role.max_session_duration, role.trust.external_id.as_deref(), role.trust.require_mfa), (7200, Some("ci-42"), true));
    assert!(w.account("123456789012").unwrap().oidc_providers.contains_key("token.actions.githubusercontent.com"));
    assert_eq!(w.account("222222222222").unwrap().management_account.as_deref(), Some("111111111111"));
    assert!(w.managed_policy("arn:aws:iam::123456789012:policy/deploy").is_some());
}

#[test]
fn bad_worlds_are_refused_with_a_message_that_names_the_problem() {
    let cases = [
        ("[[accounts]]\nid = \"12345\"", "must be 12 digits"),
        ("[[accounts]]\nid = \"123456789012\"\n[[accounts.roles]]\nname = \"r\"\nmax_session_duration = 60", "between 3600 and 43200"),
        ("[[accounts]]\nid = \"123456789012\"\ncolour = \"blue\"", "unknown field `colour`"),
        ("[settings]\nclock = \"yesterday\"", "settings.clock"),
        (
            "[[accounts]]\nid = \"123456789012\"\n[[accounts.users]]\nname = \"u\"\nmfa_devices = [{ serial = \"s\" }]",
            "exactly one of code or totp_secret",
        ),
        ("[[accounts]]\nid = \"123456789012\"\n[[accounts.users]]\nname = \"u\"\npath = \"nope\"", "must start and end with '/'"),
        (
            "[[accounts]]\nid = \"123456789012\"\n[[accounts.users]]\nname = \"a\"\naccess_keys = [{ id = \"AKIAX\", secret = \"s\" }]\n[[accounts.users]]\nname = \"b\"\naccess_keys = [{ id = \"AKIAX\", secret = \"s\" }]",
            "given to two principals",
        ),
        ("this is not toml", "world file"),
    ];
    for (text, expected) in cases {
        let err = WorldFile::parse(text).unwrap_err();
        assert!(err.to_string().contains(expected), "{text:?}: {err}");
    }
}

/// A fragment (the admin API's `/__sts/world`, a scenario's setup) keeps the root key it names.
#[test]
fn extending_keeps_a_fragments_root_key() {
    let mut world = WorldFile::parse("[[accounts]]\nid = \"123456789012\"").unwrap().world;
    let fragment = WorldFile::parse(
        "[[accounts]]\nid = \"123456789012\"\nroot_access_key = { id = \"AKIAROOTROOTROOTROOT\", secret = \"root-secret-root-secret-root-secret-0000\" }",
    )
    .unwrap();
    world.extend(fragment.world).unwrap();
    assert_eq!(world.root_key("123456789012").unwrap().access_key_id, "AKIAROOTROOTROOTROOT");
    assert!(world.long_term_key("AKIAROOTROOTROOTROOT").is_some());
}

/// A fragment that fails halfway leaves the world as it was.
#[test]
fn a_refused_fragment_changes_nothing() {
    let mut world = WorldFile::parse(
        "[[accounts]]\nid = \"123456789012\"\n[[accounts.users]]\nname = \"alice\"\naccess_keys = [{ id = \"AKIAALICEALICEALICE1\", secret = \"s1\" }]",
    )
    .unwrap()
    .world;
    // Accounts apply in id order: the role in 123456789012 first; then bob, in 222222222222, claims
    // alice's key, which is refused.
    let mut fragment = WorldFile::parse("[[accounts]]\nid = \"123456789012\"\n[[accounts.roles]]\nname = \"new\"").unwrap().world;
    fragment.add_user("222222222222", sts_model::world::User::new("bob")).unwrap();
    fragment.account_mut("222222222222").unwrap().users.get_mut("bob").unwrap().access_keys[0].access_key_id =
        "AKIAALICEALICEALICE1".into();
    assert!(world.extend(fragment).is_err());
    assert!(world.role("123456789012", "new").is_none(), "no part of the refused fragment was applied");
    assert!(world.account("222222222222").is_none());
}

/// Replacing a user with new keys retires the old ones (IAM would never leave them working).
#[test]
fn a_replaced_users_old_keys_stop_working() {
    let mut world = WorldFile::parse(
        "[[accounts]]\nid = \"123456789012\"\n[[accounts.users]]\nname = \"alice\"\naccess_keys = [{ id = \"AKIAALICEALICEALICE1\", secret = \"s1\" }]",
    )
    .unwrap()
    .world;
    let fragment = WorldFile::parse(
        "[[accounts]]\nid = \"123456789012\"\n[[accounts.users]]\nname = \"alice\"\naccess_keys = [{ id = \"AKIAALICEALICEALICE2\", secret = \"s2\" }]",
    )
    .unwrap();
    world.extend(fragment.world).unwrap();
    assert!(world.long_term_key("AKIAALICEALICEALICE1").is_none());
    assert!(world.long_term_key("AKIAALICEALICEALICE2").is_some());
}

/// A world file's settings configure the model: partition, endpoint and token padding replace the
/// defaults, and what the file leaves unset keeps them.
#[test]
fn settings_configure_the_model() {
    use sts_model::StsConfig;
    let file = WorldFile::parse("[settings]\npartition = \"aws-cn\"\nregion = \"cn-north-1\"\nsession_token_padding = 64\n").unwrap();
    let config = StsConfig::default().with_settings(&file.settings);
    assert_eq!(config.partition, "aws-cn");
    assert_eq!(config.region.as_deref(), Some("cn-north-1"));
    assert_eq!(config.session_token_padding, 64);
    assert_eq!(config.state_key, None, "not a setting: a world file is not the place for a secret");
    // The global endpoint is a setting too; unset fields keep what the configuration had.
    let global = WorldFile::parse("[settings]\nregion = \"global\"\n").unwrap();
    let start = StsConfig { partition: "aws-us-gov".into(), session_token_padding: 7, ..StsConfig::default() };
    let config = start.clone().with_settings(&global.settings);
    assert_eq!(config, StsConfig { region: None, ..start });
}
