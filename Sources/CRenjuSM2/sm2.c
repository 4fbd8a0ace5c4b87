#include "renju_sm2.h"
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/crypto.h>
#include <string.h>

static const char sm2_id[] = "1234567812345678";

static int der_out(EVP_PKEY *key, int private_key, unsigned char **out, size_t *len) {
    unsigned char *buf = NULL;
    int n = private_key ? i2d_PrivateKey(key, &buf) : i2d_PUBKEY(key, &buf);
    if (n <= 0) return 0;
    if (private_key) {
        /* PKCS#8, so that the key says it is SM2. */
        OPENSSL_free(buf); buf = NULL;
        PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(key);
        if (!p8) return 0;
        n = i2d_PKCS8_PRIV_KEY_INFO(p8, &buf);
        PKCS8_PRIV_KEY_INFO_free(p8);
        if (n <= 0) return 0;
    }
    *out = buf; *len = (size_t)n;
    return 1;
}

static EVP_PKEY *private_of(const unsigned char *der, size_t len) {
    const unsigned char *p = der;
    PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)len);
    if (!p8) return NULL;
    EVP_PKEY *key = EVP_PKCS82PKEY(p8);
    PKCS8_PRIV_KEY_INFO_free(p8);
    if (key && !EVP_PKEY_is_a(key, "SM2")) { EVP_PKEY_free(key); return NULL; }
    return key;
}

static EVP_PKEY *public_of(const unsigned char *der, size_t len) {
    const unsigned char *p = der;
    EVP_PKEY *key = d2i_PUBKEY(NULL, &p, (long)len);
    if (key && !EVP_PKEY_is_a(key, "SM2")) { EVP_PKEY_free(key); return NULL; }
    return key;
}

int renju_sm2_generate(unsigned char **private_der, size_t *private_len, unsigned char **public_der, size_t *public_len) {
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
    if (!key) return 0;
    int ok = der_out(key, 1, private_der, private_len) && der_out(key, 0, public_der, public_len);
    EVP_PKEY_free(key);
    return ok;
}

int renju_sm2_public_of(const unsigned char *private_der, size_t private_len, unsigned char **public_der, size_t *public_len) {
    EVP_PKEY *key = private_of(private_der, private_len);
    if (!key) return 0;
    int ok = der_out(key, 0, public_der, public_len);
    EVP_PKEY_free(key);
    return ok;
}

/* A digest context for SM2 with SM3 and the signer's ID. */
static EVP_MD_CTX *context(EVP_PKEY *key, int signing) {
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    if (!md || !pctx || EVP_PKEY_CTX_set1_id(pctx, sm2_id, sizeof sm2_id - 1) <= 0) {
        EVP_MD_CTX_free(md); EVP_PKEY_CTX_free(pctx); return NULL;
    }
    EVP_MD_CTX_set_pkey_ctx(md, pctx);
    int ok = signing ? EVP_DigestSignInit(md, NULL, EVP_sm3(), NULL, key) : EVP_DigestVerifyInit(md, NULL, EVP_sm3(), NULL, key);
    if (ok <= 0) { EVP_MD_CTX_free(md); EVP_PKEY_CTX_free(pctx); return NULL; }
    return md;
}

int renju_sm2_sign(const unsigned char *private_der, size_t private_len, const unsigned char *message, size_t message_len,
                   unsigned char **signature, size_t *signature_len) {
    EVP_PKEY *key = private_of(private_der, private_len);
    if (!key) return 0;
    EVP_PKEY_CTX *pctx = NULL;
    EVP_MD_CTX *md = context(key, 1);
    int ok = 0;
    size_t n = 0;
    if (md && EVP_DigestSign(md, NULL, &n, message, message_len) > 0) {
        unsigned char *buf = OPENSSL_malloc(n);
        if (buf && EVP_DigestSign(md, buf, &n, message, message_len) > 0) { *signature = buf; *signature_len = n; ok = 1; }
        else OPENSSL_free(buf);
    }
    if (md) { pctx = EVP_MD_CTX_get_pkey_ctx(md); EVP_MD_CTX_free(md); EVP_PKEY_CTX_free(pctx); }
    EVP_PKEY_free(key);
    return ok;
}

int renju_sm2_verify(const unsigned char *public_der, size_t public_len, const unsigned char *message, size_t message_len,
                     const unsigned char *signature, size_t signature_len) {
    EVP_PKEY *key = public_of(public_der, public_len);
    if (!key) return 0;
    EVP_MD_CTX *md = context(key, 0);
    int ok = md && EVP_DigestVerify(md, signature, signature_len, message, message_len) == 1;
    if (md) { EVP_PKEY_CTX *pctx = EVP_MD_CTX_get_pkey_ctx(md); EVP_MD_CTX_free(md); EVP_PKEY_CTX_free(pctx); }
    EVP_PKEY_free(key);
    return ok;
}

int renju_sm2_is_public_key(const unsigned char *public_der, size_t public_len) {
    EVP_PKEY *key = public_of(public_der, public_len);
    if (!key) return 0;
    EVP_PKEY_free(key);
    return 1;
}

void renju_sm2_free(void *p) { OPENSSL_free(p); }
