//===- FileLock.h - An exclusive lock between task-scan processes ---------===//
//
// Runs that share an output directory or a cache directory take turns with
// an advisory lock (flock) on a file in it. The kernel drops the lock when a
// process dies, so a killed run never blocks the next one.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_FILELOCK_H
#define TASKSCAN_FILELOCK_H

#include "llvm/ADT/StringRef.h"

namespace taskscan {

class FileLock {
public:
  /// Opens (creating it if needed) \p Path and waits for the lock on it.
  explicit FileLock(llvm::StringRef Path);
  ~FileLock();
  FileLock(const FileLock &) = delete;
  FileLock &operator=(const FileLock &) = delete;

  /// False when the file could not be opened or locked.
  bool locked() const { return Locked; }

private:
  int FD = -1;
  bool Locked = false;
};

} // namespace taskscan

#endif
