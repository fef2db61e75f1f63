/*
** pmath.c -- portable exp, log, log10, pow, expm1 (pmath.h).
**
** exp(x) = 2^e 2^(j/128) exp(r): k = round(x 128 / ln 2), j = k mod 128,
** e = (k - j) / 128 and r = x - k ln2/128, |r| <= 0.0027, reduced exactly
** (ln2/128 in two parts, the first short enough that k times it is
** exact); exp(r) - 1 is a degree-6 Taylor polynomial, 2^(j/128) a table
** held as two doubles.  The pieces are added with exact two-sums, so
** before the one final rounding the value is good to about 2^-69.
**
** log(x) = e ln 2 + ln c + ln(1 + r): x = 2^e m with m in [1, 2), c =
** 1 + j/128 from m's top seven bits (ln c tabled as two doubles), r =
** (m - c) / c as two doubles (the division's remainder found exactly);
** within 2^-7 of 1, ln(1 + (x - 1)) directly.  ln(1 + r) is its series,
** r^2 formed exactly.  The result is kept as two doubles, good to about
** 2^-75, so that pow(x, y) = exp(y ln x) can multiply it by y exactly and
** keep its accuracy where y ln x is large.
**
** The tables were computed to 60 digits by tools/pmath-tables.py.
** Nothing here allocates or has state.
*/
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "pmath.h"

#define LN2_HI     0x1.62e42fefa3800p-1 /* 42 bits: e * LN2_HI is exact */
#define LN2_LO     0x1.ef35793c76730p-45
#define LN2N_HI    0x1.62e42fef80000p-8 /* ln 2 / 128, 34 bits */
#define LN2N_LO    0x1.1cf79abc9e3b4p-43
#define INVLN2N    0x1.71547652b82fep+7 /* 128 / ln 2 */
#define INVLN10_HI 0x1.bcb7b1526e50ep-2 /* 1 / ln 10 */
#define INVLN10_LO 0x1.95355baaafad3p-57

/* 2^(j/128) = exp2_hi[j] + exp2_lo[j]. */
static const double exp2_hi[128] = {
    0x1.0000000000000p+0, 0x1.0163da9fb3335p+0, 0x1.02c9a3e778061p+0,
    0x1.04315e86e7f85p+0, 0x1.059b0d3158574p+0, 0x1.0706b29ddf6dep+0,
    0x1.0874518759bc8p+0, 0x1.09e3ecac6f383p+0, 0x1.0b5586cf9890fp+0,
    0x1.0cc922b7247f7p+0, 0x1.0e3ec32d3d1a2p+0, 0x1.0fb66affed31bp+0,
    0x1.11301d0125b51p+0, 0x1.12abdc06c31ccp+0, 0x1.1429aaea92de0p+0,
    0x1.15a98c8a58e51p+0, 0x1.172b83c7d517bp+0, 0x1.18af9388c8deap+0,
    0x1.1a35beb6fcb75p+0, 0x1.1bbe084045cd4p+0, 0x1.1d4873168b9aap+0,
    0x1.1ed5022fcd91dp+0, 0x1.2063b88628cd6p+0, 0x1.21f49917ddc96p+0,
    0x1.2387a6e756238p+0, 0x1.251ce4fb2a63fp+0, 0x1.26b4565e27cddp+0,
    0x1.284dfe1f56381p+0, 0x1.29e9df51fdee1p+0, 0x1.2b87fd0dad990p+0,
    0x1.2d285a6e4030bp+0, 0x1.2ecafa93e2f56p+0, 0x1.306fe0a31b715p+0,
    0x1.32170fc4cd831p+0, 0x1.33c08b26416ffp+0, 0x1.356c55f929ff1p+0,
    0x1.371a7373aa9cbp+0, 0x1.38cae6d05d866p+0, 0x1.3a7db34e59ff7p+0,
    0x1.3c32dc313a8e5p+0, 0x1.3dea64c123422p+0, 0x1.3fa4504ac801cp+0,
    0x1.4160a21f72e2ap+0, 0x1.431f5d950a897p+0, 0x1.44e086061892dp+0,
    0x1.46a41ed1d0057p+0, 0x1.486a2b5c13cd0p+0, 0x1.4a32af0d7d3dep+0,
    0x1.4bfdad5362a27p+0, 0x1.4dcb299fddd0dp+0, 0x1.4f9b2769d2ca7p+0,
    0x1.516daa2cf6642p+0, 0x1.5342b569d4f82p+0, 0x1.551a4ca5d920fp+0,
    0x1.56f4736b527dap+0, 0x1.58d12d497c7fdp+0, 0x1.5ab07dd485429p+0,
    0x1.5c9268a5946b7p+0, 0x1.5e76f15ad2148p+0, 0x1.605e1b976dc09p+0,
    0x1.6247eb03a5585p+0, 0x1.6434634ccc320p+0, 0x1.6623882552225p+0,
    0x1.68155d44ca973p+0, 0x1.6a09e667f3bcdp+0, 0x1.6c012750bdabfp+0,
    0x1.6dfb23c651a2fp+0, 0x1.6ff7df9519484p+0, 0x1.71f75e8ec5f74p+0,
    0x1.73f9a48a58174p+0, 0x1.75feb564267c9p+0, 0x1.780694fde5d3fp+0,
    0x1.7a11473eb0187p+0, 0x1.7c1ed0130c132p+0, 0x1.7e2f336cf4e62p+0,
    0x1.80427543e1a12p+0, 0x1.82589994cce13p+0, 0x1.8471a4623c7adp+0,
    0x1.868d99b4492edp+0, 0x1.88ac7d98a6699p+0, 0x1.8ace5422aa0dbp+0,
    0x1.8cf3216b5448cp+0, 0x1.8f1ae99157736p+0, 0x1.9145b0b91ffc6p+0,
    0x1.93737b0cdc5e5p+0, 0x1.95a44cbc8520fp+0, 0x1.97d829fde4e50p+0,
    0x1.9a0f170ca07bap+0, 0x1.9c49182a3f090p+0, 0x1.9e86319e32323p+0,
    0x1.a0c667b5de565p+0, 0x1.a309bec4a2d33p+0, 0x1.a5503b23e255dp+0,
    0x1.a799e1330b358p+0, 0x1.a9e6b5579fdbfp+0, 0x1.ac36bbfd3f37ap+0,
    0x1.ae89f995ad3adp+0, 0x1.b0e07298db666p+0, 0x1.b33a2b84f15fbp+0,
    0x1.b59728de5593ap+0, 0x1.b7f76f2fb5e47p+0, 0x1.ba5b030a1064ap+0,
    0x1.bcc1e904bc1d2p+0, 0x1.bf2c25bd71e09p+0, 0x1.c199bdd85529cp+0,
    0x1.c40ab5fffd07ap+0, 0x1.c67f12e57d14bp+0, 0x1.c8f6d9406e7b5p+0,
    0x1.cb720dcef9069p+0, 0x1.cdf0b555dc3fap+0, 0x1.d072d4a07897cp+0,
    0x1.d2f87080d89f2p+0, 0x1.d5818dcfba487p+0, 0x1.d80e316c98398p+0,
    0x1.da9e603db3285p+0, 0x1.dd321f301b460p+0, 0x1.dfc97337b9b5fp+0,
    0x1.e264614f5a129p+0, 0x1.e502ee78b3ff6p+0, 0x1.e7a51fbc74c83p+0,
    0x1.ea4afa2a490dap+0, 0x1.ecf482d8e67f1p+0, 0x1.efa1bee615a27p+0,
    0x1.f252b376bba97p+0, 0x1.f50765b6e4540p+0, 0x1.f7bfdad9cbe14p+0,
    0x1.fa7c1819e90d8p+0, 0x1.fd3c22b8f71f1p+0,
};
static const double exp2_lo[128] = {
    0x0.0p+0,
    0x1.b61299ab8cdb7p-54,
    -0x1.19083535b085dp-56,
    -0x1.0a31c1977c96ep-54,
    0x1.d73e2a475b465p-55,
    -0x1.c91dfe2b13c27p-55,
    0x1.186be4bb284ffp-57,
    0x1.1487818316136p-54,
    0x1.8a62e4adc610bp-54,
    0x1.01edc16e24f71p-54,
    0x1.03a1727c57b53p-59,
    -0x1.b9bedc44ebd7bp-57,
    -0x1.6c51039449b3ap-54,
    -0x1.1b514b36ca5c7p-58,
    -0x1.32fbf9af1369ep-54,
    0x1.2406ab9eeab0ap-55,
    -0x1.19041b9d78a76p-55,
    -0x1.11023d1970f6cp-54,
    0x1.e5b4c7b4968e4p-55,
    -0x1.95386352ef607p-54,
    0x1.e016e00a2643cp-54,
    -0x1.1df98027bb78cp-54,
    0x1.dc775814a8495p-55,
    0x1.2a97e9494a5eep-55,
    0x1.9b07eb6c70573p-54,
    0x1.ac155bef4f4a4p-55,
    0x1.2bd339940e9d9p-55,
    -0x1.a4c3a8c3f0d7ep-54,
    0x1.612e8afad1255p-55,
    -0x1.10adcd6381aa4p-59,
    0x1.0024754db41d5p-54,
    0x1.1ca0f45d52383p-56,
    0x1.6f46ad23182e4p-55,
    0x1.a9ce78e18047cp-55,
    0x1.32721843659a6p-54,
    -0x1.b5cee5c4e4628p-55,
    -0x1.63aeabf42eae2p-54,
    -0x1.e958d3c9904bdp-54,
    -0x1.5e436d661f5e3p-56,
    -0x1.efff8375d29c3p-54,
    0x1.ada0911f09ebcp-55,
    -0x1.7d023f956f9f3p-54,
    -0x1.ef3691c309278p-58,
    -0x1.1c7dde35f7999p-55,
    0x1.89b7a04ef80d0p-59,
    0x1.c944bd1648a76p-54,
    0x1.3c1a3b69062f0p-56,
    0x1.9cb62f3d1be56p-54,
    0x1.d4397afec42e2p-56,
    0x1.8ecdbbc6a7833p-54,
    -0x1.4b309d25957e3p-54,
    -0x1.f768569bd93efp-55,
    -0x1.07abe1db13cadp-55,
    -0x1.d689cefede59bp-55,
    0x1.9bb2c011d93adp-54,
    0x1.295e15b9a1de8p-55,
    0x1.6324c054647adp-54,
    0x1.c4b1b816986a2p-60,
    0x1.ba6f93080e65ep-54,
    -0x1.3e2429b56de47p-54,
    -0x1.383c17e40b497p-54,
    -0x1.c483c759d8933p-55,
    -0x1.bb60987591c34p-54,
    0x1.038ae44f73e65p-57,
    -0x1.bdd3413b26456p-54,
    -0x1.2895667ff0b0dp-56,
    -0x1.bbe3a683c88abp-57,
    -0x1.83c0f25860ef6p-55,
    -0x1.16e4786887a99p-55,
    -0x1.0a8d96c65d53cp-54,
    -0x1.0245957316dd3p-54,
    0x1.866b80a02162dp-54,
    -0x1.41577ee04992fp-55,
    0x1.f124cd1164dd6p-54,
    0x1.05d02ba15797ep-56,
    -0x1.27c86626d972bp-54,
    -0x1.d4c1dd41532d8p-54,
    -0x1.8d684a341cdfbp-55,
    -0x1.fc6f89bd4f6bap-54,
    0x1.994c2f37cb53ap-54,
    0x1.6e9f156864b27p-54,
    -0x1.0d55e32e9e3aap-56,
    0x1.5cc13a2e3976cp-55,
    -0x1.dd6792e582524p-54,
    -0x1.75fc781b57ebcp-57,
    -0x1.64b7c96a5f039p-56,
    -0x1.d185b7c1b85d1p-54,
    -0x1.173bd91cee632p-54,
    0x1.c7c46b071f2bep-56,
    0x1.824ca78e64c6ep-56,
    -0x1.359495d1cd533p-54,
    0x1.6305c7ddc36abp-54,
    -0x1.d2f6edb8d41e1p-54,
    0x1.bcb7ecac563c7p-54,
    0x1.0fac90ef7fd31p-54,
    -0x1.f9234cae76cd0p-55,
    0x1.7a1cd345dcc81p-54,
    -0x1.bdef54c80e425p-54,
    -0x1.2805e3084d708p-57,
    -0x1.c71dfbbba6de3p-54,
    -0x1.5584f7e54ac3bp-56,
    -0x1.efcd30e54292ep-54,
    0x1.23dd07a2d9e84p-55,
    -0x1.efdca3f6b9c73p-54,
    0x1.11065895048ddp-55,
    0x1.b4537e083c60ap-54,
    0x1.2884dff483cadp-54,
    0x1.1acbc48805c44p-56,
    0x1.503cbd1e949dbp-56,
    -0x1.dd83b53829d72p-55,
    -0x1.cbc3743797a9cp-54,
    -0x1.d487b719d8578p-54,
    0x1.2ed02d75b3707p-55,
    -0x1.11ec18beddfe8p-54,
    0x1.c2300696db532p-54,
    0x1.2da5778f018c3p-54,
    -0x1.1a5cd4f184b5cp-54,
    -0x1.7b627817a1496p-54,
    0x1.39e8980a9cc8fp-55,
    0x1.2d522ca0c8de2p-54,
    -0x1.e9c23179c2893p-54,
    -0x1.c93f3b411ad8cp-54,
    0x1.dc7f486a4b6b0p-54,
    0x1.3a1a5bf0d8e43p-54,
    0x1.9d3e12dd8a18bp-54,
    -0x1.dbb12d006350ap-54,
    0x1.74853f3a5931ep-55,
    0x1.2eb74966579e7p-57,
};

/* ln(1 + j/128) = logc_hi[j] + logc_lo[j]. */
static const double logc_hi[128] = {
    0x0.0p+0,
    0x1.fe02a6b106789p-8,
    0x1.fc0a8b0fc03e4p-7,
    0x1.7b91b07d5b11bp-6,
    0x1.f829b0e783300p-6,
    0x1.39e87b9febd60p-5,
    0x1.77458f632dcfcp-5,
    0x1.b42dd711971bfp-5,
    0x1.f0a30c01162a6p-5,
    0x1.16536eea37ae1p-4,
    0x1.341d7961bd1d1p-4,
    0x1.51b073f06183fp-4,
    0x1.6f0d28ae56b4cp-4,
    0x1.8c345d6319b21p-4,
    0x1.a926d3a4ad563p-4,
    0x1.c5e548f5bc743p-4,
    0x1.e27076e2af2e6p-4,
    0x1.fec9131dbeabbp-4,
    0x1.0d77e7cd08e59p-3,
    0x1.1b72ad52f67a0p-3,
    0x1.29552f81ff523p-3,
    0x1.371fc201e8f74p-3,
    0x1.44d2b6ccb7d1ep-3,
    0x1.526e5e3a1b438p-3,
    0x1.5ff3070a793d4p-3,
    0x1.6d60fe719d21dp-3,
    0x1.7ab890210d909p-3,
    0x1.87fa06520c911p-3,
    0x1.9525a9cf456b4p-3,
    0x1.a23bc1fe2b563p-3,
    0x1.af3c94e80bff3p-3,
    0x1.bc286742d8cd6p-3,
    0x1.c8ff7c79a9a22p-3,
    0x1.d5c216b4fbb91p-3,
    0x1.e27076e2af2e6p-3,
    0x1.ef0adcbdc5936p-3,
    0x1.fb9186d5e3e2bp-3,
    0x1.0402594b4d041p-2,
    0x1.0a324e27390e3p-2,
    0x1.1058bf9ae4ad5p-2,
    0x1.1675cababa60ep-2,
    0x1.1c898c16999fbp-2,
    0x1.22941fbcf7966p-2,
    0x1.2895a13de86a3p-2,
    0x1.2e8e2bae11d31p-2,
    0x1.347dd9a987d55p-2,
    0x1.3a64c556945eap-2,
    0x1.404308686a7e4p-2,
    0x1.4618bc21c5ec2p-2,
    0x1.4be5f957778a1p-2,
    0x1.51aad872df82dp-2,
    0x1.5767717455a6cp-2,
    0x1.5d1bdbf5809cap-2,
    0x1.62c82f2b9c795p-2,
    0x1.686c81e9b14afp-2,
    0x1.6e08eaa2ba1e4p-2,
    0x1.739d7f6bbd007p-2,
    0x1.792a55fdd47a2p-2,
    0x1.7eaf83b82afc3p-2,
    0x1.842d1da1e8b17p-2,
    0x1.89a3386c1425bp-2,
    0x1.8f11e873662c7p-2,
    0x1.947941c2116fbp-2,
    0x1.99d958117e08bp-2,
    0x1.9f323ecbf984cp-2,
    0x1.a484090e5bb0ap-2,
    0x1.a9cec9a9a084ap-2,
    0x1.af1293247786bp-2,
    0x1.b44f77bcc8f63p-2,
    0x1.b9858969310fbp-2,
    0x1.beb4d9da71b7cp-2,
    0x1.c3dd7a7cdad4dp-2,
    0x1.c8ff7c79a9a22p-2,
    0x1.ce1af0b85f3ebp-2,
    0x1.d32fe7e00ebd5p-2,
    0x1.d83e7258a2f3ep-2,
    0x1.dd46a04c1c4a1p-2,
    0x1.e24881a7c6c26p-2,
    0x1.e744261d68788p-2,
    0x1.ec399d2468cc0p-2,
    0x1.f128f5faf06edp-2,
    0x1.f6123fa7028acp-2,
    0x1.faf588f78f31fp-2,
    0x1.ffd2e0857f498p-2,
    0x1.02552a5a5d0ffp-1,
    0x1.04bdf9da926d2p-1,
    0x1.0723e5c1cdf40p-1,
    0x1.0986f4f573521p-1,
    0x1.0be72e4252a83p-1,
    0x1.0e44985d1cc8cp-1,
    0x1.109f39e2d4c97p-1,
    0x1.12f719593efbcp-1,
    0x1.154c3d2f4d5eap-1,
    0x1.179eabbd899a1p-1,
    0x1.19ee6b467c96fp-1,
    0x1.1c3b81f713c25p-1,
    0x1.1e85f5e7040d0p-1,
    0x1.20cdcd192ab6ep-1,
    0x1.23130d7bebf43p-1,
    0x1.2555bce98f7cbp-1,
    0x1.2795e1289b11bp-1,
    0x1.29d37fec2b08bp-1,
    0x1.2c0e9ed448e8cp-1,
    0x1.2e47436e40268p-1,
    0x1.307d7334f10bep-1,
    0x1.32b1339121d71p-1,
    0x1.34e289d9ce1d3p-1,
    0x1.37117b54747b6p-1,
    0x1.393e0d3562a1ap-1,
    0x1.3b68449fffc23p-1,
    0x1.3d9026a7156fbp-1,
    0x1.3fb5b84d16f42p-1,
    0x1.41d8fe84672aep-1,
    0x1.43f9fe2f9ce67p-1,
    0x1.4618bc21c5ec2p-1,
    0x1.48353d1ea88dfp-1,
    0x1.4a4f85db03ebbp-1,
    0x1.4c679afccee3ap-1,
    0x1.4e7d811b75bb1p-1,
    0x1.50913cc01686bp-1,
    0x1.52a2d265bc5abp-1,
    0x1.54b2467999498p-1,
    0x1.56bf9d5b3f399p-1,
    0x1.58cadb5cd7989p-1,
    0x1.5ad404c359f2dp-1,
    0x1.5cdb1dc6c1765p-1,
    0x1.5ee02a9241675p-1,
    0x1.60e32f44788d9p-1,
};
static const double logc_lo[128] = {
    0x0.0p+0,
    -0x1.e44b7e3711ebfp-67,
    -0x1.83092c59642a1p-62,
    -0x1.5b602ace3a510p-60,
    0x1.33e3f04f1ef23p-60,
    -0x1.5bfa937f551bbp-59,
    0x1.18d3ca87b9296p-59,
    -0x1.eb9759c130499p-60,
    0x1.85f325c5bbacdp-59,
    -0x1.79da3e8c22cdap-60,
    -0x1.b599f227becbbp-58,
    0x1.a49e39a1a8be4p-58,
    -0x1.906d99184b992p-58,
    -0x1.4a697ab3424a9p-61,
    0x1.942f48aa70ea9p-58,
    0x1.5d617ef8161b1p-60,
    -0x1.61578001e0162p-60,
    -0x1.5746b9981b36cp-58,
    0x1.9a5dc5e9030acp-57,
    0x1.483023472cd74p-58,
    0x1.301771c407dbfp-57,
    0x1.de6cb62af18a0p-58,
    0x1.9f4f6543e1f88p-57,
    -0x1.746ff8a470d3ap-57,
    -0x1.bc60efafc6f6ep-58,
    -0x1.caae268ecd179p-57,
    0x1.be36b2d6a0608p-59,
    -0x1.bf7fdbfa08d9ap-57,
    0x1.d904c1d4e2e26p-57,
    0x1.93711b07a998cp-59,
    -0x1.398cff3641985p-58,
    0x1.4fce744870f55p-58,
    -0x1.4f689f8434012p-57,
    0x1.6e443597e4d40p-57,
    -0x1.61578001e0162p-59,
    0x1.48637950dc20dp-57,
    -0x1.caaae64f21acbp-57,
    -0x1.28ec217a5022dp-57,
    0x1.7dcfde8061c03p-56,
    0x1.89fa0ab4cb31dp-58,
    0x1.ce63eab883717p-61,
    -0x1.0e5c62aff1c44p-60,
    -0x1.76f5eb09628afp-56,
    0x1.7ad24c13f040ep-56,
    -0x1.8f4cdb95ebdf9p-56,
    -0x1.4dd4c580919f8p-57,
    -0x1.c68651945f97cp-57,
    -0x1.0bcfb6082ce6dp-56,
    0x1.f42decdeccf1dp-56,
    -0x1.259b35b04813dp-57,
    0x1.3927ac19f55e3p-59,
    0x1.526adb283660cp-56,
    0x1.4236383dc7fe1p-56,
    0x1.7b7af915300e5p-57,
    -0x1.ddea0f7f58e3dp-57,
    -0x1.cfb1b39ca3a0fp-56,
    -0x1.8c76ceb014b04p-56,
    0x1.f057691fe9ed7p-56,
    0x1.92ce979ed2950p-56,
    0x1.24ec519784676p-56,
    -0x1.29639dfbbf0fbp-56,
    0x1.f85da755a61a3p-56,
    -0x1.16cc8bae0bbe4p-56,
    -0x1.a2b6889dc3e72p-57,
    -0x1.a92e513217f5cp-59,
    0x1.5fe535b875a75p-57,
    -0x1.cadec02b436afp-56,
    0x1.133844a15dc28p-58,
    -0x1.cd04495459c78p-56,
    0x1.663ec53e23bc4p-56,
    -0x1.0f3c590a887cap-59,
    0x1.cecf052dea69bp-56,
    -0x1.4f689f8434012p-56,
    0x1.edf4af2ab4267p-56,
    0x1.877b232fafa37p-56,
    0x1.41456e8bb2511p-56,
    -0x1.0467656d8b892p-56,
    0x1.cbd8f45954a46p-58,
    -0x1.c825c90c344b9p-58,
    0x1.75cee53f35397p-58,
    -0x1.328df13bb38c3p-56,
    0x1.8515b0f2db341p-56,
    -0x1.328260d8abca0p-57,
    0x1.565f40d9321afp-56,
    -0x1.cb1cb51408c00p-56,
    0x1.97f304022c9dfp-55,
    0x1.395e58e2445bbp-55,
    -0x1.1b8095ac02f01p-55,
    -0x1.259da11330801p-55,
    -0x1.22a3442d2d384p-58,
    -0x1.0e09b27a4373ap-60,
    0x1.4c048c671f435p-55,
    -0x1.59c33171a6876p-55,
    -0x1.00e7c6417e0b4p-55,
    -0x1.9d1a11443f10cp-56,
    -0x1.0dac1c4c810e9p-55,
    0x1.ef62cd2f9f1e3p-56,
    -0x1.b2bf0bc229014p-55,
    -0x1.f48725e374d6ep-55,
    0x1.e021d6d6881e7p-56,
    -0x1.487c0c246978ep-57,
    -0x1.bd1949a2d1982p-56,
    -0x1.1a158f3917586p-55,
    0x1.0150861a4886bp-55,
    0x1.fb590a1f566dap-57,
    0x1.902ab5b3d916bp-56,
    0x1.6eb92d885ce4fp-57,
    -0x1.d117edbdd9103p-56,
    -0x1.58eef67f2483ap-55,
    -0x1.41c484f9e9b26p-55,
    -0x1.6fef670bd4b62p-55,
    0x1.6d3a754172aefp-55,
    0x1.9192f30bd1806p-55,
    0x1.e9c9ee6d83b86p-55,
    0x1.f42decdeccf1dp-55,
    0x1.cf57a2ecc07f4p-55,
    0x1.13dfa3d3761b6p-60,
    -0x1.3a5c4c8b39e41p-55,
    -0x1.8d3d9ea6e9ea9p-55,
    0x1.2f2ce96c2d5b1p-55,
    -0x1.1883750ea4d0ap-57,
    -0x1.5baaf5d2f09f4p-55,
    0x1.0471885cd8ff3p-55,
    0x1.849792ec98458p-56,
    -0x1.35955683f7196p-59,
    -0x1.cc2470e8a3df4p-55,
    0x1.c358257f49082p-55,
    -0x1.ac1bb52fa589bp-56,
};

#define N     128
#define SHIFT 0x1.8p52 /* x + SHIFT - SHIFT rounds x to an integer */

/* ---- exact sums and products of doubles -------------------------------- */

/* s + e = a + b exactly (Knuth's two-sum). */
static inline void two_sum(double a, double b, double *s, double *e)
{
    double t = a + b, bb = t - a;
    *e = (a - (t - bb)) + (b - bb);
    *s = t;
}

/* Veltkamp's split: a = h + l, each with at most 26 significant bits. */
static inline void split(double a, double *h, double *l)
{
    double c = 134217729.0 * a; /* 2^27 + 1 */
    *h = c - (c - a);
    *l = a - *h;
}

/* p + e = a b exactly (Dekker), for |a|, |b| below 2^996. */
static inline void two_prod(double a, double b, double *p, double *e)
{
    double ah, al, bh, bl, t = a * b;
    split(a, &ah, &al);
    split(b, &bh, &bl);
    *e = ((ah * bh - t) + ah * bl + al * bh) + al * bl;
    *p = t;
}

/* 2^e for e in [-1022, 1023], from its bits. */
static inline double pow2i(int e)
{
    uint64_t b = (uint64_t)(e + 1023) << 52;
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* v 2^e for v in [0.25, 4) and e in [-1100, 1030]: exact, but for one
** rounding into the subnormals or an overflow to infinity. */
static double scale(double v, int e)
{
    if (e > 1023) return v * 2.0 * pow2i(e - 1 > 1023 ? 1023 : e - 1);
    if (e >= -1022) return v * pow2i(e);
    if (e < -1100) e = -1100;
    return v * pow2i(e + 600) * 0x1p-600;
}

/* ---- exp --------------------------------------------------------------- */

/* exp(x + xl) = 2^e (s + t), |xl| tiny beside x, |x| below 746, with
** s + t good to about 2^-69 relative and s in [0.99, 2.01). */
static void exp_core(double x, double xl, int *e, double *s, double *t)
{
    double kd = x * INVLN2N + SHIFT;
    kd -= SHIFT;
    int64_t k = (int64_t)kd;
    /* x - k ln2/128: the first difference is exact (k LN2N_HI has at most
    ** 52 bits, and it is within a factor of two of x, Sterbenz). */
    double rh = x - kd * LN2N_HI, rl = xl - kd * LN2N_LO, r, re;
    two_sum(rh, rl, &r, &re);
    /* exp(r + re) - 1 - r, re entering to first order. */
    double q =
        r * r *
            (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r / 720)))) +
        re;
    int64_t j = k & (N - 1);
    *e = (int)((k - j) / N);
    /* T (1 + r + q) = th + th r + (th q + tl (1 + r + q)), th r exactly. */
    double th = exp2_hi[j], tl = exp2_lo[j], p, pe, hs, he;
    two_prod(th, r, &p, &pe);
    two_sum(th, p, &hs, &he);
    *s = hs;
    *t = he + (pe + (th * q + tl * (1 + (r + q))));
}

double mrv__exp(double x)
{
    if (x != x) return x + x;
    if (x > 0x1.62e42fefa39efp+9) return (double)HUGE_VAL; /* ln DBL_MAX */
    if (x < -746) return 0;
    if (fabs(x) < 0x1p-54) return 1 + x;
    int e;
    double s, t;
    exp_core(x, 0, &e, &s, &t);
    return scale(s + t, e);
}

double mrv__expm1(double x)
{
    if (x != x) return x + x;
    if (x > 0x1.62e42fefa39efp+9) return (double)HUGE_VAL;
    if (x < -38) return -1; /* e^x below half an ulp of 1 */
    if (fabs(x) < 0x1p-54) return x;
    if (fabs(x) < 0x1p-7) {
        /* x + x^2/2 + x^3/6 + ...: x^2 exactly, the rest tiny. */
        double sq, sqe, s, t;
        two_prod(x, x, &sq, &sqe);
        double tail =
            x * sq *
            (1.0 / 6 +
             x * (1.0 / 24 +
                  x * (1.0 / 120 + x * (1.0 / 720 + x * (1.0 / 5040)))));
        two_sum(x, 0.5 * sq, &s, &t);
        return s + (t + (0.5 * sqe + tail));
    }
    int e;
    double s, t, a, b;
    exp_core(x, 0, &e, &s, &t);
    two_sum(scale(s, e), -1.0, &a, &b);
    return a + (b + scale(t, e));
}

/* ---- log --------------------------------------------------------------- */

/* ln(1 + r) - r + r^2/2 for |r| < 2^-7: r^3/3 - r^4/4 + ... to r^12. */
static double log1p_tail(double r, double sq)
{
    double p = 1.0 / 11 + r * (-1.0 / 12);
    p = -1.0 / 10 + r * p;
    p = 1.0 / 9 + r * p;
    p = -1.0 / 8 + r * p;
    p = 1.0 / 7 + r * p;
    p = -1.0 / 6 + r * p;
    p = 1.0 / 5 + r * p;
    p = -1.0 / 4 + r * p;
    p = 1.0 / 3 + r * p;
    return r * sq * p;
}

/* ln x = h + l, x finite and positive, good to about 2^-75 absolute and
** 2^-68 relative; h is ln x rounded to nearest but for those last bits. */
static void log_dd(double x, double *h, double *l)
{
    int e = 0;
    if (x < 0x1p-1022) {
        x *= 0x1p54;
        e = -54;
    }
    double s, t, t2, t3, small;
    if (fabs(x - 1) < 0x1p-7) {
        /* Near 1: r = x - 1 exactly (Sterbenz), and ln(1 + r) from its
        ** series, r^2 exactly: no table, no cancellation. */
        double r = x - 1, sq, sqe;
        two_prod(r, r, &sq, &sqe);
        two_sum(r, -0.5 * sq, &s, &t);
        small = t + (-0.5 * sqe + log1p_tail(r, sq));
    } else {
        uint64_t b;
        memcpy(&b, &x, sizeof b);
        e += (int)((b >> 52) & 0x7ff) - 1023;
        int j = (int)((b >> 45) & (N - 1));
        b = (b & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1023) << 52);
        double m, c = 1 + (double)j / N;
        memcpy(&m, &b, sizeof m);
        /* r = (m - c) / c as rh + rl: m - c is exact (same binade), and
        ** the division's remainder d - rh c is found exactly. */
        double d = m - c, rh = d / c, p, pe;
        two_prod(rh, c, &p, &pe);
        double rl = ((d - p) - pe) / c, sq, sqe;
        two_prod(rh, rh, &sq, &sqe);
        /* e ln2 + ln c + rh - rh^2/2, each added exactly, then the small
        ** terms: ln(1 + rh + rl) = ln(1 + rh) + rl / (1 + rh). */
        two_sum((double)e * LN2_HI, logc_hi[j], &s, &t);
        two_sum(s, rh, &s, &t2);
        two_sum(s, -0.5 * sq, &s, &t3);
        small =
            ((t + t2) + t3) + ((double)e * LN2_LO + logc_lo[j] +
                               (rl - rh * rl - 0.5 * sqe + log1p_tail(rh, sq)));
    }
    *h = s + small;
    *l = small - (*h - s);
}

/* The special cases of ln and log10: NaN, negatives, 0, +inf and 1, the
** answer in *r; false for every other x. */
static bool log_special(double x, double *r)
{
    if (x != x)
        *r = x + x;
    else if (x < 0)
        *r = (double)NAN;
    else if (x == 0)
        *r = -(double)HUGE_VAL;
    else if (x == (double)HUGE_VAL || x == 1)
        *r = x == 1 ? 0 : x;
    else
        return false;
    return true;
}

double mrv__log(double x)
{
    double h, l;
    if (log_special(x, &h)) return h;
    log_dd(x, &h, &l);
    return h;
}

double mrv__log10(double x)
{
    double h, l, p, pe;
    if (log_special(x, &h)) return h;
    log_dd(x, &h, &l);
    two_prod(h, INVLN10_HI, &p, &pe);
    return p + (pe + (h * INVLN10_LO + l * INVLN10_HI));
}

/* ---- pow --------------------------------------------------------------- */

/* 0: y is not an integer; 1: an odd integer; 2: an even one. */
static int int_kind(double y)
{
    if (floor(y) != y) return 0;
    if (fabs(y) >= 0x1p53) return 2;
    return ((int64_t)y & 1) ? 1 : 2;
}

double mrv__pow(double x, double y)
{
    /* C99 Annex F.9.4.4, case by case. */
    if (y == 0 || x == 1) return 1;
    if (x != x || y != y) return x + y;
    double ax = fabs(x);
    int ik = int_kind(y);
    bool neg = signbit(x) && ik == 1; /* the result's sign */
    if (x == 0) {
        if (y < 0) return neg ? 1 / x : (double)HUGE_VAL;
        return neg ? x : 0;
    }
    if (y == (double)HUGE_VAL || y == -(double)HUGE_VAL) {
        if (ax == 1) return 1;
        return (ax < 1) == (y < 0) ? (double)HUGE_VAL : 0;
    }
    if (ax == (double)HUGE_VAL) {
        double r = y < 0 ? 0 : (double)HUGE_VAL;
        return neg ? -r : r;
    }
    if (x < 0 && ik == 0) return (double)NAN;
    if (ax == 1) return neg ? -1.0 : 1.0;
    double lh, ll;
    log_dd(ax, &lh, &ll);
    /* z = y ln|x| as zh + zl, y lh exactly. */
    double z = y * lh;
    if (z > 710 || z < -746) {
        double r = z > 0 ? (double)HUGE_VAL : 0;
        return neg ? -r : r;
    }
    double zh, ze;
    two_prod(y, lh, &zh, &ze);
    ze += y * ll;
    double zs = zh + ze, zl = ze - (zs - zh);
    int e;
    double s, t;
    exp_core(zs, zl, &e, &s, &t);
    double r = scale(s + t, e);
    return neg ? -r : r;
}
