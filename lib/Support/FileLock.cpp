//===- FileLock.cpp -------------------------------------------------------===//
#include "taskscan/FileLock.h"

#include "llvm/Support/FileSystem.h"

#include <cerrno>

#include <sys/file.h>
#include <unistd.h>

namespace taskscan {

namespace fs = llvm::sys::fs;

FileLock::FileLock(llvm::StringRef Path) {
  if (fs::openFileForWrite(Path, FD, fs::CD_OpenAlways))
    FD = -1;
  else {
    // flock, not fcntl (llvm::sys::fs::lockFile): fcntl locks belong to the
    // process, so two threads, or two writers in one process, would both
    // "hold" one, and closing any descriptor of the file drops it.
    int Status;
    do
      Status = ::flock(FD, LOCK_EX);
    while (Status != 0 && errno == EINTR);
    Locked = Status == 0;
  }
}

FileLock::~FileLock() {
  if (FD < 0)
    return;
  if (Locked)
    ::flock(FD, LOCK_UN);
  ::close(FD);
}

} // namespace taskscan
