/*
 * Soft float/double tables of the emulator ROM (data codes SF and SD).
 *
 * The SDK's pico_float/pico_double copy these tables into RAM at start-up
 * and call through them for every float/double operation.  Entry order and
 * calling conventions follow the SDK's sf_table.h: the double table uses the
 * same offsets with doubles in register pairs.  Arithmetic comes from libgcc's
 * soft float; conversions to integers round towards minus infinity and
 * saturate, as the RP2040 ROM does.  The transcendental functions are plain
 * argument reduction + polynomials in double, accurate to well under a float
 * ulp and to about 1e-15 relative for doubles -- enough for MicroPython on an
 * emulated board, which is what this ROM is for.
 */
#include <stdint.h>

typedef union {
    double d;
    uint64_t u;
} dbits_t;

static double make_double(uint64_t u) {
    dbits_t b = { .u = u };
    return b.d;
}

static uint64_t double_bits(double d) {
    dbits_t b = { .d = d };
    return b.u;
}

static int is_nan(double x) {
    return x != x;
}

static const double INF = __builtin_inf();
static const double PI = 3.14159265358979323846;
static const double LN2_HI = 6.93147180369123816490e-01;
static const double LN2_LO = 1.90821492927058770002e-10;

// x * 2^n for any n, one in-range power of two at a time.
static double scale2(double x, int n) {
    while (n > 1000) {
        x *= make_double((uint64_t)(1000 + 1023) << 52);
        n -= 1000;
    }
    while (n < -1000) {
        x *= make_double((uint64_t)(-1000 + 1023) << 52);
        n += 1000;
    }
    return x * make_double((uint64_t)(n + 1023) << 52);
}

// ---- conversions: floor and saturate, NaN gives 0 ----

static int64_t floor_to_i64(double x, double lo, double hi, int64_t min, int64_t max) {
    if (is_nan(x)) {
        return 0;
    }
    if (x >= hi) {
        return max;
    }
    if (x < lo) {
        return min;
    }
    int64_t i = (int64_t)x;
    if ((double)i > x) {
        i--;
    }
    return i;
}

static const double TWO31 = 2147483648.0;
static const double TWO32 = 4294967296.0;
static const double TWO63 = 9223372036854775808.0;
static const double TWO64 = 18446744073709551616.0;

int32_t rom_double2fix(double x, int n) {
    return (int32_t)floor_to_i64(scale2(x, n), -TWO31, TWO31, INT32_MIN, INT32_MAX);
}

uint32_t rom_double2ufix(double x, int n) {
    return (uint32_t)floor_to_i64(scale2(x, n), 0.0, TWO32, 0, UINT32_MAX);
}

int64_t rom_double2fix64(double x, int n) {
    return floor_to_i64(scale2(x, n), -TWO63, TWO63, INT64_MIN, INT64_MAX);
}

uint64_t rom_double2ufix64(double x, int n) {
    x = scale2(x, n);
    if (is_nan(x) || x < 1.0) {
        return 0;
    }
    if (x >= TWO64) {
        return UINT64_MAX;
    }
    return (uint64_t)x;  // positive: truncation is the floor
}

int32_t rom_double2int(double x) {
    return rom_double2fix(x, 0);
}

uint32_t rom_double2uint(double x) {
    return rom_double2ufix(x, 0);
}

int64_t rom_double2int64(double x) {
    return rom_double2fix64(x, 0);
}

uint64_t rom_double2uint64(double x) {
    return rom_double2ufix64(x, 0);
}

double rom_int2double(int32_t i) {
    return (double)i;
}

double rom_uint2double(uint32_t i) {
    return (double)i;
}

double rom_fix2double(int32_t i, int n) {
    return scale2((double)i, -n);
}

double rom_ufix2double(uint32_t i, int n) {
    return scale2((double)i, -n);
}

double rom_int642double(int64_t i) {
    return (double)i;
}

double rom_uint642double(uint64_t i) {
    return (double)i;
}

double rom_fix642double(int64_t i, int n) {
    return scale2((double)i, -n);
}

double rom_ufix642double(uint64_t i, int n) {
    return scale2((double)i, -n);
}

// ---- double arithmetic (libgcc) ----

__attribute__((noinline)) double rom_dadd(double a, double b) {
    return a + b;
}

// a - b as a + (-b): one libgcc routine less in the 16 KiB.
double rom_dsub(double a, double b) {
    return a + make_double(double_bits(b) ^ (1ull << 63));
}

__attribute__((noinline)) double rom_dmul(double a, double b) {
    return a * b;
}

__attribute__((noinline)) double rom_ddiv(double a, double b) {
    return a / b;
}

int rom_dcmp(double a, double b) {
    if (a < b) {
        return -1;
    }
    return a > b;
}

float rom_double2float(double x) {
    return (float)x;
}

double rom_dsqrt(double x) {
    if (is_nan(x) || x < 0.0) {
        return make_double(0x7ff8000000000000ull);
    }
    if (x == 0.0 || x == INF) {
        return x;
    }
    // Halve the exponent for a first guess, then Newton; the last step is
    // corrected by one ulp either way against the exact square.
    uint64_t u = double_bits(x);
    double y = make_double((u >> 1) + (0x3ffull << 51));
    for (int i = 0; i < 6; i++) {
        y = 0.5 * (y + x / y);
    }
    double up = make_double(double_bits(y) + 1), down = make_double(double_bits(y) - 1);
    if (up * up <= x) {
        y = up;
    } else if (down * down >= x) {
        y = down;
    }
    return y;
}

// ---- transcendental functions ----

// sin and cos of r in [-pi/4, pi/4] (Taylor series to r^17 / r^18).
static double sin_poly(double r) {
    double r2 = r * r, term = r, sum = r;
    for (int k = 1; k <= 8; k++) {
        term *= -r2 / ((2 * k) * (2 * k + 1));
        sum += term;
    }
    return sum;
}

static double cos_poly(double r) {
    double r2 = r * r, term = 1.0, sum = 1.0;
    for (int k = 1; k <= 9; k++) {
        term *= -r2 / ((2 * k - 1) * (2 * k));
        sum += term;
    }
    return sum;
}

// Reduce x by multiples of pi/2 (Cody-Waite, three parts): x = q*pi/2 + r.
static double reduce_half_pi(double x, int *quadrant) {
    static const double P1 = 1.57079632673412561417e+00;
    static const double P2 = 6.07710050650619224932e-11;
    static const double P3 = 2.02226624879595063154e-21;
    double q = x * (2.0 / PI);
    double k = (double)floor_to_i64(q + 0.5, -TWO63, TWO63, INT64_MIN, INT64_MAX);
    *quadrant = (int)((int64_t)k & 3);
    return ((x - k * P1) - k * P2) - k * P3;
}

static void sincos_d(double x, double *s, double *c) {
    if (is_nan(x) || x == INF || x == -INF) {
        *s = *c = make_double(0x7ff8000000000000ull);
        return;
    }
    int q;
    double r = reduce_half_pi(x, &q);
    double sr = sin_poly(r), cr = cos_poly(r);
    switch (q) {
        case 0:
            *s = sr;
            *c = cr;
            break;
        case 1:
            *s = cr;
            *c = -sr;
            break;
        case 2:
            *s = -sr;
            *c = -cr;
            break;
        default:
            *s = -cr;
            *c = sr;
            break;
    }
}

double rom_dsin(double x) {
    double s, c;
    sincos_d(x, &s, &c);
    return s;
}

double rom_dcos(double x) {
    double s, c;
    sincos_d(x, &s, &c);
    return c;
}

double rom_dtan(double x) {
    double s, c;
    sincos_d(x, &s, &c);
    return s / c;
}

double rom_dexp(double x) {
    if (is_nan(x)) {
        return x;
    }
    if (x > 709.8) {
        return INF;
    }
    if (x < -745.2) {
        return 0.0;
    }
    double k = (double)floor_to_i64(x / LN2_HI + 0.5, -TWO31, TWO31, INT32_MIN, INT32_MAX);
    double r = (x - k * LN2_HI) - k * LN2_LO;  // |r| <= ln2/2
    double term = 1.0, sum = 1.0;
    for (int i = 1; i <= 14; i++) {
        term *= r / i;
        sum += term;
    }
    return scale2(sum, (int)k);
}

double rom_dln(double x) {
    if (is_nan(x) || x < 0.0) {
        return make_double(0x7ff8000000000000ull);
    }
    if (x == 0.0) {
        return -INF;
    }
    if (x == INF) {
        return x;
    }
    int e = 0;
    if (x < 2.2250738585072014e-308) {  // subnormal: normalise first
        x *= 18014398509481984.0;  // 2^54
        e = -54;
    }
    uint64_t u = double_bits(x);
    e += (int)((u >> 52) & 0x7ff) - 1023;
    double m = make_double((u & 0x000fffffffffffffull) | (0x3ffull << 52));  // [1, 2)
    if (m > 1.4142135623730951) {
        m *= 0.5;
        e++;
    }
    // ln(m) = 2 atanh(s), s = (m-1)/(m+1), |s| < 0.172
    double s = (m - 1.0) / (m + 1.0), s2 = s * s, term = s, sum = s;
    for (int k = 3; k <= 27; k += 2) {
        term *= s2;
        sum += term / k;
    }
    return 2.0 * sum + e * LN2_LO + e * LN2_HI;
}

// atan of t >= 0.
static double atan_pos(double t) {
    int inverted = t > 1.0;
    if (inverted) {
        t = 1.0 / t;
    }
    // atan(t) = pi/6 + atan((t*sqrt3 - 1) / (sqrt3 + t)) brings t below tan(pi/12).
    static const double SQRT3 = 1.7320508075688772;
    double base = 0.0;
    if (t > 0.2679491924311227) {
        t = (t * SQRT3 - 1.0) / (SQRT3 + t);
        base = PI / 6;
    }
    double t2 = t * t, term = t, sum = t;
    for (int k = 3; k <= 31; k += 2) {
        term *= -t2;
        sum += term / k;
    }
    sum += base;
    return inverted ? PI / 2 - sum : sum;
}

double rom_datan2(double y, double x) {
    if (is_nan(x) || is_nan(y)) {
        return x + y;
    }
    int y_neg = (double_bits(y) >> 63) != 0;
    int x_neg = (double_bits(x) >> 63) != 0;
    double ay = y_neg ? -y : y, ax = x_neg ? -x : x;
    double a;
    if (ax == 0.0 && ay == 0.0) {
        a = x_neg ? PI : 0.0;
    } else if (ax == INF && ay == INF) {
        a = x_neg ? 3 * PI / 4 : PI / 4;
    } else if (ax == INF) {
        a = x_neg ? PI : 0.0;
    } else if (ay == INF || ax == 0.0) {
        a = PI / 2;
    } else {
        a = atan_pos(ay / ax);
        if (x_neg) {
            a = PI - a;
        }
    }
    return y_neg ? -a : a;
}

// ---- the float entries ----
// Computed in double and rounded once: for + - * / and sqrt that is the
// correctly rounded float result, and it keeps libgcc's float code out of the 16 KiB.

float rom_fadd(float a, float b) {
    return (float)rom_dadd(a, b);
}

float rom_fsub(float a, float b) {
    return (float)rom_dsub(a, b);
}

float rom_fmul(float a, float b) {
    return (float)rom_dmul(a, b);
}

float rom_fdiv(float a, float b) {
    return (float)rom_ddiv(a, b);
}

int rom_fcmp(float a, float b) {
    return rom_dcmp(a, b);
}

float rom_fsqrt(float x) {
    return (float)rom_dsqrt(x);
}

int32_t rom_float2int(float x) {
    return rom_double2fix(x, 0);
}

int32_t rom_float2fix(float x, int n) {
    return rom_double2fix(x, n);
}

uint32_t rom_float2uint(float x) {
    return rom_double2ufix(x, 0);
}

uint32_t rom_float2ufix(float x, int n) {
    return rom_double2ufix(x, n);
}

float rom_int2float(int32_t i) {
    return (float)i;
}

float rom_fix2float(int32_t i, int n) {
    return (float)rom_fix2double(i, n);
}

float rom_uint2float(uint32_t i) {
    return (float)i;
}

float rom_ufix2float(uint32_t i, int n) {
    return (float)rom_ufix2double(i, n);
}

float rom_fcos(float x) {
    return (float)rom_dcos(x);
}

// sin in r0 and cos in r1: sincosf reads both from this entry.
uint64_t rom_fsin(float x) {
    double s, c;
    sincos_d(x, &s, &c);
    union {
        float f;
        uint32_t u;
    } fs = { .f = (float)s }, fc = { .f = (float)c };
    return ((uint64_t)fc.u << 32) | fs.u;
}

float rom_ftan(float x) {
    return (float)rom_dtan(x);
}

float rom_fexp(float x) {
    return (float)rom_dexp(x);
}

float rom_fln(float x) {
    return (float)rom_dln(x);
}

float rom_fatan2(float y, float x) {
    return (float)rom_datan2(y, x);
}

float rom_int642float(int64_t i) {
    return (float)i;
}

float rom_fix642float(int64_t i, int n) {
    return (float)rom_fix642double(i, n);
}

float rom_uint642float(uint64_t i) {
    return (float)i;
}

float rom_ufix642float(uint64_t i, int n) {
    return (float)rom_ufix642double(i, n);
}

int64_t rom_float2int64(float x) {
    return rom_double2fix64(x, 0);
}

int64_t rom_float2fix64(float x, int n) {
    return rom_double2fix64(x, n);
}

uint64_t rom_float2uint64(float x) {
    return rom_double2ufix64(x, 0);
}

uint64_t rom_float2ufix64(float x, int n) {
    return rom_double2ufix64(x, n);
}

double rom_float2double(float x) {
    return x;
}

// ---- the tables: a size byte two bytes before the first entry, as in the ROM ----

typedef struct {
    uint16_t reserved;
    uint8_t words;
    uint8_t reserved2;
    const void *entry[32];
} rom_fn_table_t;

extern void rom_dsincos(void);  // rom_start.S: needs four result registers
extern void rom_unimplemented(void);  // rom_start.S: the *_fast_flags entries (result in CPU flags)

#define F(fn) ((const void *)(fn))

const rom_fn_table_t rom_sf_block __attribute__((aligned(4))) = {
    0, 32, 0, {
        F(rom_fadd), F(rom_fsub), F(rom_fmul), F(rom_fdiv),
        F(rom_fcmp), F(rom_unimplemented), F(rom_fsqrt), F(rom_float2int),
        F(rom_float2fix), F(rom_float2uint), F(rom_float2ufix), F(rom_int2float),
        F(rom_fix2float), F(rom_uint2float), F(rom_ufix2float), F(rom_fcos),
        F(rom_fsin), F(rom_ftan), F(rom_fsin), F(rom_fexp),
        F(rom_fln), F(rom_fcmp), F(rom_fatan2), F(rom_int642float),
        F(rom_fix642float), F(rom_uint642float), F(rom_ufix642float), F(rom_float2int64),
        F(rom_float2fix64), F(rom_float2uint64), F(rom_float2ufix64), F(rom_float2double),
    }
};

const rom_fn_table_t rom_sd_block __attribute__((aligned(4))) = {
    0, 32, 0, {
        F(rom_dadd), F(rom_dsub), F(rom_dmul), F(rom_ddiv),
        F(rom_dcmp), F(rom_unimplemented), F(rom_dsqrt), F(rom_double2int),
        F(rom_double2fix), F(rom_double2uint), F(rom_double2ufix), F(rom_int2double),
        F(rom_fix2double), F(rom_uint2double), F(rom_ufix2double), F(rom_dcos),
        F(rom_dsin), F(rom_dtan), F(rom_dsincos), F(rom_dexp),
        F(rom_dln), F(rom_dcmp), F(rom_datan2), F(rom_int642double),
        F(rom_fix642double), F(rom_uint642double), F(rom_ufix642double), F(rom_double2int64),
        F(rom_double2fix64), F(rom_double2uint64), F(rom_double2ufix64), F(rom_double2float),
    }
};
