//===- TypeMapping.cpp - C++ types as Flyte types -------------------------===//
#include "TypeMapping.h"

#include "clang/AST/DeclCXX.h"

using namespace clang;

namespace taskscan {

bool isInNamespaces(const Decl *D, llvm::ArrayRef<llvm::StringRef> Path) {
  std::vector<llvm::StringRef> Found;
  for (const DeclContext *DC = D->getDeclContext(); DC; DC = DC->getParent()) {
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC)) {
      if (!NS->isInline())
        Found.insert(Found.begin(), NS->getName());
    } else if (!isa<TranslationUnitDecl>(DC) && !isa<LinkageSpecDecl>(DC)) {
      return false;
    }
  }
  return llvm::ArrayRef<llvm::StringRef>(Found) == Path;
}

const ClassTemplateSpecializationDecl *stdTemplate(QualType T,
                                                   llvm::StringRef Name) {
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      T->getAsCXXRecordDecl());
  if (!Spec || Spec->getName() != Name || !isInNamespaces(Spec, {"std"}))
    return nullptr;
  return Spec;
}

const char *const SupportedTypes =
    "bool, integer types, float, double, std::string, "
    "std::filesystem::path and std::vector of those";
const char *const ScalarReturnTypes =
    "bool, integer types, float, double, std::string, std::filesystem::path";

std::optional<std::pair<FlyteKind, std::string>> scalarType(QualType T,
                                                           const ASTContext &Ctx) {
  T = T.getCanonicalType().getUnqualifiedType();
  if (const auto *B = T->getAs<BuiltinType>()) {
    switch (B->getKind()) {
    case BuiltinType::Bool:
      return std::make_pair(FlyteKind::Bool, std::string("bool"));
    case BuiltinType::Short:
    case BuiltinType::Int:
    case BuiltinType::Long:
    case BuiltinType::LongLong:
    case BuiltinType::UShort:
    case BuiltinType::UInt:
    case BuiltinType::ULong:
    case BuiltinType::ULongLong:
      return std::make_pair(FlyteKind::Int,
                            T.getAsString(PrintingPolicy(Ctx.getLangOpts())));
    case BuiltinType::Float:
      return std::make_pair(FlyteKind::Float, std::string("float"));
    case BuiltinType::Double:
      return std::make_pair(FlyteKind::Float, std::string("double"));
    default:
      return std::nullopt;
    }
  }
  if (const auto *Str = stdTemplate(T, "basic_string")) {
    const auto &Args = Str->getTemplateArgs();
    if (Args.size() >= 1 && Args[0].getKind() == TemplateArgument::Type &&
        Ctx.hasSameType(Args[0].getAsType(), Ctx.CharTy))
      return std::make_pair(FlyteKind::String, std::string("std::string"));
    return std::nullopt;
  }
  if (const auto *RD = T->getAsCXXRecordDecl())
    if (RD->getName() == "path" && isInNamespaces(RD, {"std", "filesystem"}))
      return std::make_pair(FlyteKind::File, std::string("std::filesystem::path"));
  return std::nullopt;
}

std::optional<std::pair<FlyteType, std::string>> valueType(QualType T,
                                                          const ASTContext &Ctx) {
  if (auto S = scalarType(T, Ctx))
    return std::make_pair(FlyteType{S->first, false}, S->second);
  QualType Canon = T.getCanonicalType().getUnqualifiedType();
  if (const auto *Vec = stdTemplate(Canon, "vector")) {
    const auto &Args = Vec->getTemplateArgs();
    if (Args.size() >= 1 && Args[0].getKind() == TemplateArgument::Type)
      if (auto E = scalarType(Args[0].getAsType(), Ctx))
        return std::make_pair(FlyteType{E->first, true},
                              "std::vector<" + E->second + ">");
  }
  return std::nullopt;
}

} // namespace taskscan
