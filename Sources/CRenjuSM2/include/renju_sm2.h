#ifndef RENJU_SM2_H
#define RENJU_SM2_H
#include <stddef.h>

/* SM2 signatures with SM3 (GB/T 32918, GB/T 32905) through the system's OpenSSL 3, for the
 * national algorithms 密评 expects. Keys are DER: PKCS#8 for a private key, SubjectPublicKeyInfo
 * for a public one. Every function returns 1 on success (verify: 1 valid, 0 not) and fills the
 * out-buffers with memory the caller frees with renju_sm2_free. The signer's ID is the standard
 * default, "1234567812345678". */
int renju_sm2_generate(unsigned char **private_der, size_t *private_len, unsigned char **public_der, size_t *public_len);
int renju_sm2_public_of(const unsigned char *private_der, size_t private_len, unsigned char **public_der, size_t *public_len);
int renju_sm2_sign(const unsigned char *private_der, size_t private_len, const unsigned char *message, size_t message_len,
                   unsigned char **signature, size_t *signature_len);
int renju_sm2_verify(const unsigned char *public_der, size_t public_len, const unsigned char *message, size_t message_len,
                     const unsigned char *signature, size_t signature_len);
/* 1 when the bytes are an SM2 public key. */
int renju_sm2_is_public_key(const unsigned char *public_der, size_t public_len);
void renju_sm2_free(void *p);

#endif
