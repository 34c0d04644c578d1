package device

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
)

// A lost enrollment response must not strand a till, so the reply is kept
// for a retry — but a database dump must not hand out device secrets. The
// secret is sealed with AES-256-GCM under SHA-256 of the terminal's nonce,
// which the database never holds; the code's hash is the additional data,
// so a sealed reply cannot be moved to another code. Opening it with any
// other nonce fails, which is how a retry with a different nonce is told
// apart.

// nonceKeyPrefix separates this use of SHA-256 from every other.
const nonceKeyPrefix = "mypos/enroll-reply/v1\x00"

func replyAEAD(nonce string) cipher.AEAD {
	key := sha256.Sum256([]byte(nonceKeyPrefix + nonce))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		panic("device: aes: " + err.Error()) // a 32-byte key never fails
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic("device: gcm: " + err.Error())
	}
	return aead
}

// sealSecret encrypts a secret for the code's reply row.
func sealSecret(nonce, codeHash, secret string) string {
	aead := replyAEAD(nonce)
	iv := make([]byte, aead.NonceSize(), aead.NonceSize()+len(secret)+aead.Overhead())
	rand.Read(iv) // never fails (crypto/rand panics on failure)
	sealed := aead.Seal(iv, iv, []byte(secret), []byte(codeHash))
	return base64.RawStdEncoding.EncodeToString(sealed)
}

var errWrongNonce = errors.New("device: the reply does not open with this nonce")

// openSecret decrypts a reply row's secret with the retry's nonce.
func openSecret(nonce, codeHash, sealed string) (string, error) {
	raw, err := base64.RawStdEncoding.DecodeString(sealed)
	aead := replyAEAD(nonce)
	if err != nil || len(raw) < aead.NonceSize() {
		return "", errWrongNonce
	}
	iv, ct := raw[:aead.NonceSize()], raw[aead.NonceSize():]
	secret, err := aead.Open(nil, iv, ct, []byte(codeHash))
	if err != nil {
		return "", errWrongNonce
	}
	return string(secret), nil
}
