// The one exception type of the library: a failure that ends a command with exit 2.
#pragma once
#include <stdexcept>
#include <string>

namespace hc {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace hc
