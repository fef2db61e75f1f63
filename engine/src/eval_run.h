/*
** eval_run.h -- the VM's block loop, a template included twice by eval.c
** (GSL's *_source.c idiom): EVAL_RUN_NAME is the function to define,
** EVAL_RUN_STRIDE and EVAL_RUN_N the stride and lane count it runs with,
** either its arguments or constants.  With constants the compiler knows
** every loop's trip count and vectorises the arithmetic even at -O2.
** Semantics: mrv_eval_run in eval.h; each loop's element expression is
** mrv_eval_op's scalar meaning (keep them in step).
*/
static void EVAL_RUN_NAME(const mrv_program *p, double *slots, size_t stride_,
                          size_t n_, uint64_t lane0, uint64_t *bad,
                          uint64_t *first_bad)
{
    const size_t stride = EVAL_RUN_STRIDE, n = EVAL_RUN_N;
    (void)stride_;
    (void)n_;
    const mrv_insn *ip = p->code, *end = p->code + p->ncode;
    for (; ip < end; ip++) {
        double *restrict a = slots + (size_t)ip->a * stride;
        const double *restrict b = slots + (size_t)ip->b * stride;
        const double *restrict c = slots + (size_t)ip->c * stride;
        const double *restrict d = slots + (size_t)ip->d * stride;
        const double k = ip->k;
        switch ((mrv_opcode)ip->op) { /* ORDER OPS */
        case MRV_I_ADD:
            LOOP(b[i] + c[i]);
        case MRV_I_SUB:
            LOOP(b[i] - c[i]);
        case MRV_I_MUL:
            LOOP(b[i] * c[i]);
        case MRV_I_DIV:
            LOOP(c[i] == 0 ? DNAN : b[i] / c[i]);
        case MRV_I_POW:
            LOOP(mrv__pow(b[i], c[i]));
        case MRV_I_ADDK:
            LOOP(b[i] + k);
        case MRV_I_SUBK:
            LOOP(b[i] - k);
        case MRV_I_RSUBK:
            LOOP(k - b[i]);
        case MRV_I_MULK:
            LOOP(b[i] * k);
        case MRV_I_MADDK:
            LOOP(b[i] + c[i] * k);
        case MRV_I_DIVK:
            LOOP(b[i] / k);
        case MRV_I_RDIVK:
            LOOP(b[i] == 0 ? DNAN : k / b[i]);
        case MRV_I_POWK:
            LOOP(mrv__pow(b[i], k));
        case MRV_I_RPOWK:
            LOOP(mrv__pow(k, b[i]));
        case MRV_I_POWI: {
            int e = (int32_t)ip->c;
            if (e == 2) {
                LOOP(b[i] * b[i]);
            } else if (e == 3) {
                LOOP(b[i] * b[i] * b[i]);
            } else {
                powi_col(a, b, e, n);
                break;
            }
        }
        case MRV_I_NEG:
            LOOP(-b[i]);
        case MRV_I_ABS:
            LOOP(fabs(b[i]));
        case MRV_I_EXP:
            LOOP(mrv__exp(b[i]));
        case MRV_I_LN:
            LOOP(mrv__log(b[i]));
        case MRV_I_LOG10:
            LOOP(mrv__log10(b[i]));
        case MRV_I_SQRT:
            LOOP(sqrt(b[i]));
        case MRV_I_FLOOR:
            LOOP(floor(b[i]));
        case MRV_I_CEIL:
            LOOP(ceil(b[i]));
        case MRV_I_ROUND: {
            int dec = (int32_t)ip->c;
            LOOP(mrv_eval_round(b[i], dec));
        }
        case MRV_I_LT:
            LOOP(NANOR(b[i], c[i], b[i] < c[i] ? 1.0 : 0.0));
        case MRV_I_LE:
            LOOP(NANOR(b[i], c[i], b[i] <= c[i] ? 1.0 : 0.0));
        case MRV_I_GT:
            LOOP(NANOR(b[i], c[i], b[i] > c[i] ? 1.0 : 0.0));
        case MRV_I_GE:
            LOOP(NANOR(b[i], c[i], b[i] >= c[i] ? 1.0 : 0.0));
        case MRV_I_EQ:
            LOOP(NANOR(b[i], c[i], b[i] == c[i] ? 1.0 : 0.0));
        case MRV_I_NE:
            LOOP(NANOR(b[i], c[i], b[i] != c[i] ? 1.0 : 0.0));
        case MRV_I_AND:
            LOOP(NANOR(b[i], c[i], TRUTH(b[i]) && TRUTH(c[i]) ? 1.0 : 0.0));
        case MRV_I_OR:
            LOOP(NANOR(b[i], c[i], TRUTH(b[i]) || TRUTH(c[i]) ? 1.0 : 0.0));
        case MRV_I_NOT:
            LOOP(BAD(b[i]) ? DNAN : (TRUTH(b[i]) ? 0.0 : 1.0));
        case MRV_I_MIN:
            LOOP(NANOR(b[i], c[i], b[i] < c[i] ? b[i] : c[i]));
        case MRV_I_MAX:
            LOOP(NANOR(b[i], c[i], b[i] > c[i] ? b[i] : c[i]));
        case MRV_I_SEL:
            LOOP(BAD(b[i]) ? DNAN : (TRUTH(b[i]) ? c[i] : d[i]));
        case MRV_I_CHECK: {
            uint64_t nb = count_nonfinite(b, n);
            if (nb) {
                bad[ip->c] += nb;
                if (first_bad[ip->c] == UINT64_MAX) {
                    size_t i = 0;
                    while (i < n && (b[i] - b[i]) == 0) i++;
                    first_bad[ip->c] = lane0 + i;
                }
            }
            break;
        }
        case MRV_I_COUNT:
            break;
        }
    }
}

#undef EVAL_RUN_NAME
#undef EVAL_RUN_STRIDE
#undef EVAL_RUN_N
