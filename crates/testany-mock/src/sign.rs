//! Log-access signs: HS256 JWTs bound to one execution, case and runtime.

use hmac::{Hmac, Mac};
use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{ErrorKind, Result as JwtResult};
use jsonwebtoken::signature::{Error as SigError, Verifier};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::store::{hash_str, mix64};

/// What a sign grants: reading one case log until `exp` (seconds since the epoch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Claims {
    pub exec: String,
    pub case: u64,
    pub uuid: String,
    pub exp: i64,
}

type HmacSha256 = Hmac<Sha256>;

/// HS256 through `hmac` + `sha2`: jsonwebtoken's documented custom-provider hook, so the
/// emulator does not build the RSA, ECDSA and EdDSA stacks of its `rust_crypto` feature.
struct Hs256(HmacSha256);

impl jsonwebtoken::signature::Signer<Vec<u8>> for Hs256 {
    fn try_sign(&self, msg: &[u8]) -> Result<Vec<u8>, SigError> {
        let mut mac = self.0.clone();
        mac.update(msg);
        Ok(mac.finalize().into_bytes().to_vec())
    }
}

impl Verifier<Vec<u8>> for Hs256 {
    fn verify(&self, msg: &[u8], signature: &Vec<u8>) -> Result<(), SigError> {
        let mut mac = self.0.clone();
        mac.update(msg);
        mac.verify_slice(signature).map_err(|_| SigError::new())
    }
}

impl JwtSigner for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

impl JwtVerifier for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

fn hs256(alg: &Algorithm, secret: &[u8]) -> JwtResult<Hs256> {
    if *alg != Algorithm::HS256 {
        return Err(ErrorKind::InvalidAlgorithm.into());
    }
    HmacSha256::new_from_slice(secret)
        .map(Hs256)
        .map_err(|_| ErrorKind::InvalidKeyFormat.into())
}

static HS256_ONLY: CryptoProvider = CryptoProvider {
    signer_factory: |alg, key| Ok(Box::new(hs256(alg, key.as_bytes())?)),
    verifier_factory: |alg, key| Ok(Box::new(hs256(alg, key.try_get_as_bytes()?)?)),
    key_utils: KeyUtils::new_unimplemented(),
};

/// Installs the HS256 provider once per process (a provider installed earlier stays).
fn install_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = HS256_ONLY.install_default();
    });
}

/// Issues and checks signs with a per-server secret.
pub(crate) struct Signer {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(..)")
    }
}

impl Signer {
    /// A signer whose secret is derived from `seed` (time and process id at start).
    pub fn new(seed: u64) -> Signer {
        install_provider();
        let mut secret = Vec::with_capacity(32);
        let mut x = hash_str("testany-mock-sign", seed);
        for _ in 0..4 {
            x = mix64(x);
            secret.extend_from_slice(&x.to_le_bytes());
        }
        Signer {
            encoding: EncodingKey::from_secret(&secret),
            decoding: DecodingKey::from_secret(&secret),
        }
    }

    pub fn issue(&self, claims: &Claims) -> Option<String> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding).ok()
    }

    /// The claims of a valid, unexpired sign.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .ok()
            .map(|d| d.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_expiry_and_foreign_secret() {
        let s = Signer::new(1);
        let now = jiff::Timestamp::now().as_second();
        let claims = Claims {
            exec: "SHP-0601-00001".into(),
            case: 2,
            uuid: "u".into(),
            exp: now + 60,
        };
        let token = s.issue(&claims).unwrap();
        assert_eq!(s.verify(&token), Some(claims.clone()));
        assert_eq!(Signer::new(2).verify(&token), None);
        let expired = s
            .issue(&Claims {
                exp: now - 5,
                ..claims.clone()
            })
            .unwrap();
        assert_eq!(s.verify(&expired), None);
        assert_eq!(s.verify("not a jwt"), None);
        // alg=none and other algorithms are refused.
        let body = token.split('.').nth(1).unwrap();
        assert_eq!(s.verify(&format!("eyJhbGciOiJub25lIn0.{body}.")), None);
        let hs512 = jsonwebtoken::encode(
            &Header::new(Algorithm::HS512),
            &claims,
            &EncodingKey::from_secret(b"k"),
        );
        assert!(hs512.is_err(), "only HS256 is provided");
    }
}
