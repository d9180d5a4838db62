using Xunit;

// The tests run one at a time: kernel tests set process-wide state (SimdWidth.Override, which changes
// float rounding, and Compute.ThreadCount) that pool threads read too, while many other tests compare
// two runs bit for bit; run side by side, one could see the other's setting halfway through.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
