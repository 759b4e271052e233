//===- CodeHash.cpp - What a cached task result depends on ----------------===//
//
// Flyte's cache key is the project, domain, task name, cache_version and
// interface (flyteorg/flyte v1.16.8, flytepropeller/pkg/controller/nodes/
// catalog/datacatalog/transformer.go, GenerateDatasetIDForTask), plus the
// inputs: neither the image nor the code. A `cache = true` task without a
// cache_version gets one derived from this hash (ProjectModel's
// effectiveCacheVersion), so that a result never outlives the code that
// made it.
//
// Clang's ODRHash is what C++ modules use to tell two definitions of one
// entity apart across translation units: it profiles the parsed AST (names,
// types, statements, literal values), never source locations, so a comment
// or a reformatting leaves it alone. It hashes a called function by name
// only, so the functions and variables a definition uses are followed here,
// transitively, as far as this translation unit has their definitions.
//
//===----------------------------------------------------------------------===//
#include "CodeHash.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ODRHash.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <vector>

using namespace clang;

namespace taskscan {
namespace {

/// The declarations a body refers to: called or named functions (also
/// constructors and overloaded operators) and variables.
class UseCollector : public RecursiveASTVisitor<UseCollector> {
public:
  std::vector<const Decl *> Used;

  bool VisitDeclRefExpr(DeclRefExpr *E) {
    Used.push_back(E->getDecl());
    return true;
  }
  bool VisitMemberExpr(MemberExpr *E) {
    Used.push_back(E->getMemberDecl());
    return true;
  }
  bool VisitCXXConstructExpr(CXXConstructExpr *E) {
    Used.push_back(E->getConstructor());
    return true;
  }
};

class CodeHasher {
public:
  explicit CodeHasher(const SourceManager &SM) : SM(SM) {}

  /// Adds \p D (when the project defines it) and what it uses.
  void add(const Decl *D) {
    if (const auto *FD = dyn_cast<FunctionDecl>(D))
      addFunction(FD);
    else if (const auto *VD = dyn_cast<VarDecl>(D))
      addVariable(VD);
  }

  /// The task's own hash, then those of what it uses, sorted: the same
  /// whatever order the AST visits them in.
  std::string finish(unsigned Own) {
    std::sort(Used.begin(), Used.end());
    std::string Bytes = llvm::utohexstr(Own);
    for (unsigned H : Used)
      Bytes += " " + llvm::utohexstr(H);
    return llvm::utohexstr(llvm::xxh3_64bits(Bytes), /*LowerCase=*/true, 16);
  }

  unsigned hashOf(const FunctionDecl *Def) {
    ODRHash Hash;
    Hash.AddFunctionDecl(Def);
    return Hash.CalculateHash();
  }

  void markSeen(const FunctionDecl *Def) { Seen.insert(Def->getCanonicalDecl()); }

  void followBody(const FunctionDecl *Def) {
    UseCollector Uses;
    Uses.TraverseDecl(const_cast<FunctionDecl *>(Def));
    for (const Decl *D : Uses.Used)
      add(D);
  }

private:
  bool isProjectCode(const Decl *D) const {
    SourceLocation Loc = SM.getExpansionLoc(D->getLocation());
    return Loc.isValid() && !SM.isInSystemHeader(Loc) && !D->isImplicit();
  }

  void addFunction(const FunctionDecl *FD) {
    if (const FunctionDecl *Pattern = FD->getTemplateInstantiationPattern())
      FD = Pattern;
    const FunctionDecl *Def = FD->getDefinition();
    if (!Def || !Def->doesThisDeclarationHaveABody() || !isProjectCode(Def) ||
        !Seen.insert(Def->getCanonicalDecl()).second)
      return;
    Used.push_back(hashOf(Def));
    followBody(Def);
  }

  void addVariable(const VarDecl *VD) {
    // Locals and parameters are part of the body already.
    if (!VD->hasGlobalStorage() || VD->isStaticLocal())
      return;
    const VarDecl *Def = VD->getDefinition();
    if (!Def)
      Def = VD->getInitializingDeclaration();
    if (!Def || !isProjectCode(Def) || !Seen.insert(Def->getCanonicalDecl()).second)
      return;
    ODRHash Hash;
    Hash.AddSubDecl(Def);
    Used.push_back(Hash.CalculateHash());
    if (const Expr *Init = Def->getInit()) {
      UseCollector Uses;
      Uses.TraverseStmt(const_cast<Expr *>(Init));
      for (const Decl *D : Uses.Used)
        add(D);
    }
  }

  const SourceManager &SM;
  llvm::SmallPtrSet<const Decl *, 32> Seen;
  std::vector<unsigned> Used;
};

} // namespace

std::string taskCodeHash(const FunctionDecl *Definition, const SourceManager &SM) {
  CodeHasher Hasher(SM);
  unsigned Own = Hasher.hashOf(Definition);
  // The task itself is not one of what it uses (recursion).
  Hasher.markSeen(Definition);
  Hasher.followBody(Definition);
  return Hasher.finish(Own);
}

} // namespace taskscan
