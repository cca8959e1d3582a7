package io.syncline.core.site;

import java.util.Objects;

/**
 * What a site's installer does to the generated keys of its synced tables: their kind, and for
 * {@link KeyKind#INTERLEAVED} the mesh's step and this site's offset, its slot (1 to step; every site of a
 * mesh has its own). Offset 0 means "not set": a site with sequences to convert then refuses to
 * install, so that no two sites ever generate the same value.
 *
 * <pre>{@code
 * KeyPlan plan = KeyPlan.interleaved(16, 3);   // values 3, 19, 35, ... at this site
 * long first = plan.firstAbove(1_000_000);      // 1000003
 * }</pre>
 *
 * <p>For {@link KeyKind#COORDINATOR_BLOCKS}: how many values a block holds, and the low-water mark, the
 * number of values left in a block below which the site asks for the next one.
 *
 * @param step how many slots the mesh has (the increment of every converted sequence), 2 to 1000000
 * @param offset this site's slot, 1 to {@code step}, or 0 when not configured
 * @param blockSize values per block, {@value #MIN_BLOCK_SIZE} to {@value #MAX_BLOCK_SIZE}
 * @param lowWater values left that trigger the next block, 1 to {@code blockSize - 1}
 */
public record KeyPlan(KeyKind kind, int step, int offset, long blockSize, long lowWater) {

    /** Most slots a mesh may have. */
    public static final int MAX_STEP = 1_000_000;
    /** Fewest values a block may hold. */
    public static final long MIN_BLOCK_SIZE = 10;
    /** Most values a block may hold. */
    public static final long MAX_BLOCK_SIZE = 1_000_000_000L;
    /** Values per block unless configured. */
    public static final long DEFAULT_BLOCK_SIZE = 10_000;

    public KeyPlan {
        Objects.requireNonNull(kind, "kind");
        if (step < 2 || step > MAX_STEP) {
            throw new IllegalArgumentException("keys.step was " + step + ", must be between 2 and " + MAX_STEP);
        }
        if (offset < 0 || offset > step) {
            throw new IllegalArgumentException("keys.site.offset was " + offset + ", must be between 1 and keys.step ("
                    + step + "), or 0 for not set");
        }
        if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException("keys.block.size was " + blockSize + ", must be between "
                    + MIN_BLOCK_SIZE + " and " + MAX_BLOCK_SIZE);
        }
        if (lowWater < 1 || lowWater >= blockSize) {
            throw new IllegalArgumentException("keys.block.low.water was " + lowWater + ", must be between 1 and "
                    + "keys.block.size - 1 (" + (blockSize - 1) + ")");
        }
    }

    /** A plan with the default block settings (they matter only for {@link KeyKind#COORDINATOR_BLOCKS}). */
    public KeyPlan(KeyKind kind, int step, int offset) {
        this(kind, step, offset, DEFAULT_BLOCK_SIZE, defaultLowWater(DEFAULT_BLOCK_SIZE));
    }

    /** Blocks of {@code blockSize} values from the coordinator, the next one asked for below {@code lowWater} left. */
    public static KeyPlan coordinatorBlocks(long blockSize, long lowWater) {
        return new KeyPlan(KeyKind.COORDINATOR_BLOCKS, 16, 0, blockSize, lowWater);
    }

    /** A fifth of the block, at least 1. */
    public static long defaultLowWater(long blockSize) {
        return Math.max(1, blockSize / 5);
    }

    /** Interleaved values at slot {@code offset} of {@code step}. */
    public static KeyPlan interleaved(int step, int offset) {
        return new KeyPlan(KeyKind.INTERLEAVED, step, offset);
    }

    /** Sequences left as they are. */
    public static KeyPlan none() {
        return new KeyPlan(KeyKind.NONE, 16, 0);
    }

    /** Whether the slot was configured. */
    public boolean hasOffset() {
        return offset > 0;
    }

    /** The residue every value of this site has modulo {@link #step()}. */
    public int residue() {
        return offset % step;
    }

    /**
     * The smallest value above {@code floor} that belongs to this site's slot.
     *
     * @throws ArithmeticException when there is none below {@link Long#MAX_VALUE}
     */
    public long firstAbove(long floor) {
        long base = Math.floorDiv(floor, step) * step;
        long candidate = Math.addExact(base, residue());
        if (candidate <= floor) {
            candidate = Math.addExact(candidate, step);
        }
        return candidate;
    }

    /** Whether {@code value} belongs to this site's slot. */
    public boolean owns(long value) {
        return Math.floorMod(value, step) == residue();
    }
}
