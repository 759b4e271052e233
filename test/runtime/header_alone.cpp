// The runtime header compiles on its own (no include it relies on from elsewhere), under the
// warning flags of the test build.
#include <flyte/runtime.hpp>
