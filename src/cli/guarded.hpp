// Every front end's last line of defence: no exception crosses a main.
#pragma once
#include <exception>
#include <iostream>

namespace hc {

// Runs `body`; any failure becomes one line on stderr and exit status 2.
template <class F>
int guarded(F&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    std::cerr << "hook-check: " << e.what() << '\n';
    return 2;
  } catch (...) {
    std::cerr << "hook-check: unexpected failure\n";
    return 2;
  }
}

}  // namespace hc
