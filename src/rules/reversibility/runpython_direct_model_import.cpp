#include "rules/reversibility/runpython_direct_model_import.hpp"

namespace hc {

// Not written yet: the rule is registered so its code is reserved.
void RunPythonDirectModelImport::check(const CheckContext&, Findings&) const {}

}  // namespace hc
