//! Virtual MFA devices over IAM: created with a TOTP seed, enabled for a user with two consecutive
//! codes, deactivated. An enabled device is the user's for STS (`SerialNumber`/`TokenCode`).

use base64::Engine;

use super::{Call, IamRequest, Node, refuse};
use crate::world::{MfaCode, MfaDevice, totp};
use crate::{ErrorCode, Sts, StsError};

/// Virtual devices per account (keeps the world bounded; IAM's quota follows its users).
const DEVICES_PER_ACCOUNT: usize = 5000;

pub(super) fn call(sts: &mut Sts, call: &Call, req: &IamRequest) -> Result<Option<Vec<Node>>, StsError> {
    match req.action.as_str() {
        "CreateVirtualMFADevice" => {
            let name = req.required("VirtualMFADeviceName")?;
            let path = req.str("Path").unwrap_or("/");
            let serial = format!("arn:{}:iam::{}:mfa{path}{name}", call.partition, call.account);
            let account = sts.world.add_account(&call.account).map_err(|e| StsError::new(ErrorCode::InvalidInput, e.0))?;
            let enabled = account.users.values().any(|u| u.mfa_devices.iter().any(|d| d.serial_number == serial));
            if enabled || account.virtual_mfa_devices.contains_key(&serial) {
                // Recorded wording.
                return Err(StsError::new(ErrorCode::EntityAlreadyExists, "MFA device already exists."));
            }
            if account.virtual_mfa_devices.len() >= DEVICES_PER_ACCOUNT {
                return Err(super::quota::exceeded("VirtualMFADevicesPerAccount", DEVICES_PER_ACCOUNT));
            }
            let seed = base32(&sts.generator.bytes(20));
            sts.world.account_mut(&call.account).expect("added above").virtual_mfa_devices.insert(serial.clone(), seed.clone());
            // The seed is a blob on the wire: base64 of the base32 text, which apps (and SDK users) decode.
            // The QR code image is not drawn: the seed is what tests use.
            Ok(Some(vec![Node::children(
                "VirtualMFADevice",
                vec![
                    Node::text("SerialNumber", serial),
                    Node::text("Base32StringSeed", base64::engine::general_purpose::STANDARD.encode(seed.as_bytes())),
                ],
            )]))
        }
        "EnableMFADevice" => {
            let (user, serial) = (req.required("UserName")?, req.required("SerialNumber")?);
            let (first, second) = (req.required("AuthenticationCode1")?, req.required("AuthenticationCode2")?);
            // Recorded: a missing user is reported before the codes are looked at.
            let account = sts.world.account(&call.account).ok_or_else(|| refuse::no_user(user))?;
            if !account.users.contains_key(user) {
                return Err(refuse::no_user(user));
            }
            if account.users.values().any(|u| u.mfa_devices.iter().any(|d| d.serial_number == serial)) {
                return Err(StsError::new(ErrorCode::EntityAlreadyExists, "MFA Device is already in use."));
            }
            let seed = account.virtual_mfa_devices.get(serial).cloned().ok_or_else(|| no_device(serial))?;
            // Two consecutive codes: the step before now and now, or now and the next.
            let step = time::Duration::seconds(30);
            let consecutive = [(call.now - step, call.now), (call.now, call.now + step)]
                .iter()
                .any(|(a, b)| totp(&seed, *a).as_deref() == Some(first) && totp(&seed, *b).as_deref() == Some(second));
            if !consecutive {
                return Err(StsError::new(ErrorCode::InvalidAuthenticationCode, "Authentication code for device is not valid."));
            }
            let account = sts.world.account_mut(&call.account).expect("looked up above");
            account.virtual_mfa_devices.remove(serial);
            let device = MfaDevice { serial_number: serial.to_owned(), code: MfaCode::Totp(seed) };
            account.users.get_mut(user).expect("looked up above").mfa_devices.push(device);
            Ok(None)
        }
        "DeactivateMFADevice" => {
            let serial = req.required("SerialNumber")?;
            let account = sts.world.account_mut(&call.account).ok_or_else(|| no_device(serial))?;
            let owner = match req.str("UserName") {
                Some(name) => account.users.get_mut(name),
                None => account.users.values_mut().find(|u| u.mfa_devices.iter().any(|d| d.serial_number == serial)),
            };
            let user = owner.ok_or_else(|| no_device(serial))?;
            let index = user.mfa_devices.iter().position(|d| d.serial_number == serial).ok_or_else(|| no_device(serial))?;
            let device = user.mfa_devices.remove(index);
            // A virtual device goes back to the account, ready to be enabled again.
            if let MfaCode::Totp(seed) = device.code {
                account.virtual_mfa_devices.insert(device.serial_number, seed);
            }
            Ok(None)
        }
        other => unreachable!("routed here: {other}"),
    }
}

/// Recorded wording.
fn no_device(serial: &str) -> StsError {
    StsError::new(ErrorCode::NoSuchEntity, format!("MFA Device with serial number {serial} does not exist."))
}

/// RFC 4648 base32 without padding, as authenticator apps take seeds.
fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((acc >> bits) & 31) as usize] as char);
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(ALPHABET[((acc << (5 - bits)) & 31) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base32_follows_rfc_4648() {
        // RFC 4648 section 10 vectors, without padding.
        assert_eq!(super::base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(super::base32(b"f"), "MY");
        assert_eq!(super::base32(b"12345678901234567890"), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    }
}
