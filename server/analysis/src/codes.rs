//! The registry of every diagnostic code amlc emits: severity, a short title and an
//! explanation. docs/diagnostics.md is checked against it by a test, so a code cannot ship
//! undocumented, and no code is ever reused for another meaning.

use crate::Severity;

/// One diagnostic code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeInfo {
    pub code: &'static str,
    pub severity: Severity,
    /// A few words, e.g. "duplicate key".
    pub title: &'static str,
    /// Why it matters and what to do, in one or two sentences.
    pub explanation: &'static str,
}

macro_rules! codes {
    ($($name:ident = $code:literal, $sev:ident, $title:literal, $expl:literal;)*) => {
        $(pub const $name: &str = $code;)*
        /// Every code, in order.
        pub const ALL: &[CodeInfo] = &[
            $(CodeInfo { code: $code, severity: Severity::$sev, title: $title, explanation: $expl },)*
        ];
    };
}

codes! {
    YAML_SYNTAX = "AMLC001", Error, "YAML syntax error",
        "The text is not valid YAML, so the CLI cannot load it. The message quotes the parser; fix the marked spot.";
    TAB_INDENT = "AMLC002", Error, "tab used for indentation",
        "YAML forbids tabs in indentation. Replace the tab with spaces.";
    UNTERMINATED_QUOTE = "AMLC003", Error, "unterminated quoted string",
        "A value opens a quote that never closes, so the rest of the file is swallowed into it. Add the closing quote.";
    BAD_INDENT = "AMLC004", Error, "bad indentation",
        "Keys of one mapping must start in the same column, and a plain value must not contain `: `. Re-indent the line or quote the value.";
    DUPLICATE_KEY = "AMLC005", Error, "duplicate key",
        "The same key appears twice in one mapping. PyYAML silently keeps the last value, so the service never sees the first. Remove one.";
    MULTIPLE_DOCUMENTS = "AMLC006", Error, "more than one YAML document",
        "A compute spec is a single document; the CLI refuses a file with a second `---` document. Split it into files.";
    EMPTY_DOCUMENT = "AMLC007", Error, "empty file",
        "The file holds no document (only comments or whitespace). A compute spec needs at least `type` and `name`.";
    NOT_A_MAPPING = "AMLC008", Error, "top level is not a mapping",
        "A compute spec is a mapping of keys (`type:`, `name:`, ...), not a list or a single value.";
    LIMIT_EXCEEDED = "AMLC009", Error, "input too large or too deep",
        "The file is larger than 16 MiB, nests deeper than 64 levels, or its aliases expand to too many nodes (\"billion laughs\"). amlc refuses it instead of running out of memory.";
    INVALID_UTF8 = "AMLC010", Error, "file is not UTF-8",
        "The file contains bytes that are not UTF-8. Save it as UTF-8.";
    UNLOADABLE_VALUE = "AMLC011", Error, "value the CLI cannot load",
        "PyYAML's safe loader cannot build this value: an unknown `!tag`, a lone `=`, or a list or mapping used as a key. Remove the tag or quote the value.";
    YAML11_VS_12 = "AMLC012", Hint, "YAML 1.1 and 1.2 read this differently",
        "The CLI reads YAML 1.1 (`yes`/`no`/`on`/`off` are booleans, `017` is octal, `0o17` is a string). Other tools read YAML 1.2. Quote the value or write it unambiguously.";
    MISSING_TYPE = "AMLC020", Error, "missing `type`",
        "The CLI chooses the schema from `type` and fails without it. Add `type:` with one of computeinstance, amlcompute, kubernetes, virtualmachine, synapsespark.";
    UNKNOWN_TYPE = "AMLC021", Error, "unknown compute type",
        "`type` must be one of computeinstance, amlcompute, kubernetes, virtualmachine, synapsespark (any case).";
    UNKNOWN_KEY = "AMLC022", Error, "unknown key",
        "The CLI rejects keys its schema does not know (`Unknown field.`). Check the spelling; the message suggests the closest known key.";
    WRONG_TYPE = "AMLC023", Error, "value of the wrong type",
        "The value is not of the type the key takes (for example a list where a string is expected). Change the value.";
    NOT_IN_ENUM = "AMLC024", Error, "value not allowed",
        "The key takes one of a fixed set of values (compared case-insensitively, as the CLI does). Use one of the listed values.";
    MISSING_REQUIRED = "AMLC025", Error, "required key missing",
        "The CLI requires this key for this compute type. Add it.";
    SCHEMA_CONSTRAINT = "AMLC026", Error, "value breaks a schema constraint",
        "The value is outside what the schema allows (range, length or pattern). Change it.";
    READ_ONLY_IGNORED = "AMLC027", Hint, "read-only key is ignored",
        "This key is reported by `az ml compute show` but cannot be set: the CLI drops it on create. Remove it to avoid confusion.";
    SCHEMA_URL_MISMATCH = "AMLC028", Warning, "schema URL does not match `type`",
        "The `$schema` URL, or the `# yaml-language-server: $schema=` modeline, names another compute kind than `type`. The CLI ignores both, but editors use them for completion and hover, so fix the URL (the quick fix does).";
    LOCATION_IGNORED = "AMLC029", Warning, "`location` is ignored for this type",
        "Only amlcompute honours `location`; for every other type the CLI replaces it with the workspace's region. Remove it.";
    DEPRECATED_KEY = "AMLC030", Hint, "deprecated key",
        "The key still works but is deprecated. Use the replacement the message names.";
    TRUNCATED_NUMBER = "AMLC031", Error, "fraction silently truncated",
        "The key takes a whole number; the CLI silently cuts a fraction off (1.5 becomes 1). Write the whole number you mean.";
    DATE_NOT_STRING = "AMLC032", Error, "unquoted date where text is expected",
        "PyYAML reads an unquoted date as a date object, and the CLI rejects it where a string is expected. Quote the value.";
    NAME_SHAPE = "AMLC040", Error, "invalid compute name",
        "The service requires a name that starts with a letter, uses only letters, digits and `-`, does not end in `-` or `-<digits>`, and has 3–24 characters for a compute instance (2–24 otherwise).";
    PLACEHOLDER = "AMLC041", Error, "template placeholder left in",
        "The value still holds a template placeholder such as `<SUBSCRIPTION_ID>`. Replace it with the real value.";
    MIN_GREATER_THAN_MAX = "AMLC042", Error, "min_instances greater than max_instances",
        "The service refuses a cluster whose minimum node count exceeds its maximum. Swap or fix the values.";
    NEGATIVE_VALUE = "AMLC043", Error, "negative value",
        "Node counts and idle times cannot be negative. Use zero or a positive number.";
    IDLE_TIME = "AMLC044", Error, "idle time out of range or in the wrong unit",
        "Instance idle shutdown takes minutes between 15 and 4320 (3 days); the deprecated `idle_time_before_shutdown` takes an ISO-8601 duration such as PT30M; a cluster's `idle_time_before_scale_down` takes whole seconds.";
    CRON = "AMLC045", Error, "invalid cron expression",
        "Schedules take a 5-field NCronTab expression: minute hour day-of-month month day-of-week, e.g. `0 18 * * *`.";
    TIME_ZONE = "AMLC046", Warning, "not a Windows time-zone name",
        "Schedules take Windows time-zone names such as `Pacific Standard Time` or `UTC`, not IANA names such as `America/Los_Angeles`.";
    CUSTOM_APP_PORT = "AMLC047", Error, "custom application port out of range",
        "Custom application ports must lie strictly between 1025 and 65535 (both excluded).";
    CUSTOM_APP_DUPLICATE = "AMLC048", Error, "duplicate custom application name or port",
        "Custom application names must be unique, and each published port may be used by only one application.";
    SSH_PUBLIC_KEY = "AMLC049", Error, "not an OpenSSH public key",
        "`ssh_key_value` takes the text of an OpenSSH public key (`ssh-rsa AAAA... comment`), not a private key, a file path or a fingerprint.";
    SSH_PORT = "AMLC050", Error, "ssh_port out of range",
        "An SSH port is a whole number from 1 to 65535.";
    RESOURCE_ID = "AMLC051", Error, "resource id of the wrong shape",
        "The value must be a full ARM resource id of the right kind, e.g. `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Compute/virtualMachines/<vm>` for a VM attach.";
    VNET_WITHOUT_SUBNET = "AMLC052", Error, "vnet_name without subnet",
        "The CLI fails with `Subnet is required when vnet name is specified.` Add `subnet`.";
    SUBNET_WITHOUT_VNET = "AMLC053", Error, "subnet name without vnet_name",
        "A bare subnet name needs `vnet_name`; without it the CLI builds the id `.../virtualNetworks/None/subnets/<name>`, which the service rejects. Add `vnet_name` or give the full subnet resource id.";
    SSH_SETTINGS_WITHOUT_ACCESS = "AMLC054", Warning, "ssh key without ssh_public_access_enabled",
        "On a compute instance the key only takes effect with `ssh_public_access_enabled: true`; otherwise SSH stays disabled and the key is unused.";
    VM_SSH_REQUIRED = "AMLC055", Error, "virtualmachine attach needs ssh_settings",
        "Attaching a VM without `ssh_settings` fails inside the CLI. Add `ssh_settings` with `admin_username` and a password or private key file.";
    VNET_NAME_IGNORED = "AMLC056", Hint, "vnet_name ignored",
        "`subnet` is a full resource id, so the CLI ignores `vnet_name`. Remove it.";
    USER_ASSIGNED_WITHOUT_IDS = "AMLC057", Warning, "user_assigned identity without identities",
        "`identity.type` includes user_assigned but no `user_assigned_identities` are listed; the service needs at least one.";
    SCHEDULE_VALUE = "AMLC058", Error, "schedule value out of range",
        "Recurrence hours are 0–23 and minutes 0–59; `start_time` is `yyyy-MM-ddTHH:mm:ss` without a zone suffix.";
    NOT_A_GUID = "AMLC059", Error, "not a GUID",
        "`create_on_behalf_of.user_object_id` and `user_tenant_id` take the Microsoft Entra object id and tenant id (GUIDs), not an e-mail address or a name. `az ad user show --id EMAIL --query id -o tsv` prints a user's object id; `az account show --query tenantId -o tsv` the tenant id.";
    ON_BEHALF_INCOMPLETE = "AMLC060", Error, "create_on_behalf_of needs both ids",
        "An instance created on behalf of someone names the user by object id and tenant id together; with only one of them the assignment cannot be made. Add the missing key.";
    ATTACHED_TWICE = "AMLC061", Error, "resource attached twice",
        "Two specs attach the same resource (ARM ids compared as ARM does: case-insensitive, blanks and a trailing `/` ignored) under different names. Azure ML supports one attachment per resource and a second breaks the first; keep one spec, or to change an attachment's settings detach it and attach it again.";
    PLAINTEXT_PASSWORD = "AMLC070", Warning, "password in plain text",
        "`admin_password` sits in the file in plain text and is sent to Azure. Prefer an SSH key (`ssh_key_value` / `ssh_private_key_file`), and keep passwords out of version control.";
    CLUSTER_SSH_OPEN = "AMLC071", Warning, "cluster SSH open by default",
        "With `ssh_settings` set, no `ssh_public_access_enabled` and no VNet, the service leaves the SSH port open to the internet. Set `ssh_public_access_enabled: false` or put the cluster in a VNet.";
    MIN_INSTANCES_BILLING = "AMLC072", Information, "nodes billed while idle",
        "`min_instances` above 0 keeps that many nodes running, and billed, even when no job runs.";
    NO_IDLE_SHUTDOWN = "AMLC073", Information, "instance never stops by itself",
        "Without `idle_time_before_shutdown_minutes` or a stop schedule, a compute instance bills until someone stops it.";
    LOW_PRIORITY = "AMLC074", Information, "low-priority nodes can be pre-empted",
        "Low-priority nodes are cheaper but Azure can take them back at any time; jobs must tolerate restarts.";
    GPU_COST = "AMLC075", Information, "GPU size",
        "The size has GPUs, which cost several times a CPU size. Keep it if the work needs a GPU.";
    UNKNOWN_SIZE = "AMLC076", Warning, "VM size looks misspelt",
        "The size is not in amlc's built-in catalogue but one there is spelt almost the same (`Standard_DS3v2` for `Standard_DS3_v2`); the service refuses a size it does not know. Use the suggested name, or check what the region offers with `amlc compute list-sizes`.";
    UNKNOWN_SUPPRESSION = "AMLC090", Warning, "unknown code in a suppression comment",
        "An `amlc-disable` comment names a code amlc does not have. Check the code.";
    UNREADABLE_FILE = "AMLC099", Error, "file cannot be read",
        "`amlc check` could not read the file (it does not exist, permission is denied, or it is not a regular file). The message gives the system's reason; the other files are still checked.";
}

/// The entry for a code.
pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    ALL.iter().find(|c| c.code.eq_ignore_ascii_case(code))
}

/// The registered severity of a code (Error for an unregistered one, which tests forbid).
pub fn severity(code: &str) -> Severity {
    lookup(code).map_or(Severity::Error, |c| c.severity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for c in ALL {
            assert!(seen.insert(c.code), "duplicate {}", c.code);
            assert!(c.code.len() == 7 && c.code.starts_with("AMLC") && c.code[4..].bytes().all(|b| b.is_ascii_digit()));
            assert!(!c.title.is_empty() && c.explanation.len() > 20);
        }
    }
}
