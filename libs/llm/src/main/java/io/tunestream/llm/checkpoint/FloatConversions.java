package io.tunestream.llm.checkpoint;

/**
 * Half-precision conversions done in Java: the PyTorch engine aborts the JVM on any BF16 array, so BF16 weights are
 * widened here and computed in F32, and narrowed here when written.
 */
final class FloatConversions {

    private FloatConversions() {}

    /** BF16 is the upper half of an IEEE float32, so widening is exact. */
    static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Round-to-nearest-even on the 16 dropped bits, as PyTorch does; NaN stays a (quiet) NaN. */
    static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int lsb = (bits >>> 16) & 1;
        int rounded = bits + 0x7FFF + lsb;
        return (short) (rounded >>> 16);
    }

    /** IEEE 754 binary16 to float32, including subnormals, infinities and NaN. */
    static float f16ToFloat(short half) {
        int h = half & 0xFFFF;
        int sign = (h >>> 15) << 31;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            if (mantissa == 0) {
                return Float.intBitsToFloat(sign);
            }
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
