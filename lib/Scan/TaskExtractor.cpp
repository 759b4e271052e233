//===- TaskExtractor.cpp - Tasks from a parsed translation unit -----------===//
//
// What a declaration means lives here: which annotated declarations are
// tasks, what their signature is (in Flyte's type system: TypeMapping.h),
// and what the annotation's arguments say once constant names are looked up.
//
//===----------------------------------------------------------------------===//
#include "TaskExtractor.h"
#include "CodeHash.h"
#include "TypeMapping.h"

#include "taskscan/AnnotationArguments.h"
#include "taskscan/Escaping.h"

#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Driver/Types.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"

#include <fmt/format.h>

using namespace clang;

namespace taskscan {

std::string absolutePath(llvm::StringRef WorkingDirectory, llvm::StringRef Path) {
  llvm::SmallString<256> P(Path);
  if (!llvm::sys::path::is_absolute(P)) {
    llvm::SmallString<256> Abs(WorkingDirectory);
    llvm::sys::path::append(Abs, P);
    P = Abs;
  }
  // Only "." goes: removing ".." from the text would name another file
  // when the component before it is a symbolic link.
  llvm::sys::path::remove_dots(P, /*remove_dot_dot=*/false);
  return std::string(P);
}

SourcePosition positionOf(const SourceManager &SM, SourceLocation Loc,
                          llvm::StringRef WorkingDirectory) {
  if (Loc.isInvalid())
    return {};
  SourceLocation Expansion = SM.getExpansionLoc(Loc);
  PresumedLoc P = SM.getPresumedLoc(Expansion, /*UseLineDirectives=*/false);
  if (P.isInvalid())
    return {};
  // The file the compiler opened, as the file system names it (RealPath.h):
  // with -Ilink/../inc the text names another file.
  if (OptionalFileEntryRef File = SM.getFileEntryRefForID(SM.getFileID(Expansion)))
    return {SM.getFileManager().getCanonicalName(*File).str(), P.getLine(),
            P.getColumn()};
  return {absolutePath(WorkingDirectory, P.getFilename()), P.getLine(),
          P.getColumn()};
}

namespace {

/// The string literal a constant-folded annotate argument holds.
const StringLiteral *annotationText(const AnnotateAttr *A) {
  if (A->args_size() == 0)
    return nullptr;
  const Expr *E = *A->args_begin();
  while (true) {
    if (const auto *CE = dyn_cast<ConstantExpr>(E))
      E = CE->getSubExpr();
    else if (const auto *IC = dyn_cast<ImplicitCastExpr>(E))
      E = IC->getSubExpr();
    else if (const auto *PE = dyn_cast<ParenExpr>(E))
      E = PE->getSubExpr();
    else
      break;
  }
  const auto *S = dyn_cast<StringLiteral>(E);
  return S && S->isOrdinary() ? S : nullptr;
}

const AnnotateAttr *taskAnnotation(const Decl *D) {
  for (const AnnotateAttr *A : D->specific_attrs<AnnotateAttr>())
    if (A->getAnnotation() == TaskAnnotation)
      return A;
  return nullptr;
}

class Extractor {
public:
  Extractor(ASTContext &Ctx, llvm::StringRef WorkingDirectory,
            TranslationUnitResult &Result, bool HeadersMissing)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), WorkingDirectory(WorkingDirectory),
        Result(Result), HeadersMissing(HeadersMissing) {}

  void handle(Decl *D, const AnnotateAttr *A) {
    if (auto *FD = dyn_cast<FunctionDecl>(D)) {
      // Instantiations inherit the annotation; the template is reported once.
      if (FD->isTemplateInstantiation() ||
          FD->getTemplateSpecializationKind() == TSK_ExplicitSpecialization)
        return;
      Functions.insert(FD->getCanonicalDecl());
      return;
    }
    if (const auto *VD = dyn_cast<VarDecl>(D)) {
      const Expr *Init = VD->getInit();
      if (Init && isa<LambdaExpr>(Init->IgnoreImplicit())) {
        error("task-scan-lambda", A->getLocation(),
              fmt::format("'{}' is a lambda; a task must be a free function or "
                          "a static member function",
                          VD->getName().str()));
        return;
      }
    }
    if (D->isTemplated() || isa<FunctionTemplateDecl>(D))
      return; // reported through the templated function
    error("task-scan-not-a-function", A->getLocation(),
          "FLYTE_TASK must stand before a function declaration");
  }

  void finish() {
    for (FunctionDecl *Canon : Functions)
      checkFunction(Canon);
  }

private:
  SourcePosition position(SourceLocation Loc) {
    return positionOf(SM, Loc, WorkingDirectory);
  }

  Diagnostic &error(std::string Check, SourceLocation Loc, std::string Message) {
    return Result.Diagnostics.error(std::move(Check), position(Loc),
                                    std::move(Message));
  }

  Diagnostic &warning(std::string Check, SourceLocation Loc, std::string Message) {
    return Result.Diagnostics.warning(std::move(Check), position(Loc),
                                      std::move(Message));
  }

  /// The declaration carrying the written (not inherited) annotation.
  std::pair<FunctionDecl *, const AnnotateAttr *> annotated(FunctionDecl *Canon) {
    for (FunctionDecl *R : Canon->redecls())
      for (const AnnotateAttr *A : R->specific_attrs<AnnotateAttr>())
        if (A->getAnnotation() == TaskAnnotation && !A->isInherited())
          return {R, A};
    return {Canon, taskAnnotation(Canon)};
  }

  void checkFunction(FunctionDecl *Canon) {
    auto [Annotated, Attr] = annotated(Canon);
    SourceLocation At = Attr->getLocation();
    std::string Qualified = Canon->getQualifiedNameAsString();

    if (Canon->getDescribedFunctionTemplate() || Canon->isTemplated()) {
      error("task-scan-template", At,
            fmt::format("function template '{}' cannot be a task: a task needs "
                        "one concrete signature",
                        Qualified));
      return;
    }
    if (const auto *MD = dyn_cast<CXXMethodDecl>(Canon)) {
      if (MD->getParent()->isLambda()) {
        error("task-scan-lambda", At,
              "a lambda cannot be a task; use a free function or a static "
              "member function");
        return;
      }
      if (!MD->isStatic()) {
        error("task-scan-member-function", At,
              fmt::format("'{}' is a non-static member function; a task must be "
                          "a free function or a static member function",
                          Qualified));
        return;
      }
    }
    if (Canon->isVariadic()) {
      error("task-scan-variadic", At,
            fmt::format("variadic function '{}' cannot be a task", Qualified));
      return;
    }
    FunctionDecl *Def = Canon->getDefinition();
    if (!Def) {
      Result.DeclaredOnly.emplace_back(Qualified, position(At));
      return;
    }
    if (!Def->isExternallyVisible()) {
      error("task-scan-internal-linkage", At,
            fmt::format("function '{}' has internal linkage (static or in an "
                        "anonymous namespace); the generated entrypoint cannot "
                        "call it, so it cannot be a task",
                        Qualified));
      return;
    }

    if (Def->isConsteval()) {
      error("task-scan-consteval", At,
            fmt::format("consteval function '{}' cannot be a task: it runs only "
                        "while compiling",
                        Qualified));
      return;
    }

    ScannedTask Task;
    Task.Function = Qualified;
    Task.UnqualifiedName = Canon->getNameAsString();
    Task.Annotation = position(At);
    Task.Definition = position(Def->getLocation());
    Task.IsExternC = Canon->isExternC();
    // The arguments first: every message below names the task by its task
    // name (`name = ...`, else the derived one), as the manifest does.
    bool OptionsOk = readArguments(Attr, Annotated, Task);
    Task.Name = Task.Options.Name ? *Task.Options.Name : derivedTaskName(Qualified);
    if (!describeContext(Canon, Task, At) || !describeInclude(Def, At, Task))
      return;
    // A type from a header that was not found: clang recovered with `int`.
    // What the annotation says (the image) is still known; the signature
    // is not, and the caller was told the file was not fully checked.
    bool SignatureUnknown = HeadersMissing && Def->isInvalidDecl();
    bool SignatureOk = SignatureUnknown || describeSignature(Def, Task);
    if (!SignatureOk || !OptionsOk)
      return;
    if (!Task.Options.Name && !isValidTaskName(Task.Name)) {
      error("task-scan-task-name", At,
            fmt::format("the derived task name '{}' is not valid; give one with "
                        "name = \"...\"",
                        Task.Name));
      return;
    }
    Result.Tasks.push_back(std::move(Task));
  }

  /// Whether the file \p Loc was written in can be #included by the
  /// entrypoint: a header, not a file compiled on its own. The main file is
  /// one when it was given as a header (pre-commit passes changed headers,
  /// add_flyte_tasks may list them): compiled as such (`-x c++-header`, as
  /// the driver does for `.hpp`) or named like one. An included file is one
  /// unless it is named like a source (a unity build's `#include "a.cpp"`).
  bool isHeader(SourceLocation Loc) {
    SourceLocation Expansion = SM.getExpansionLoc(Loc);
    llvm::StringRef Extension =
        llvm::sys::path::extension(SM.getFilename(Expansion)).ltrim('.');
    driver::types::ID Type = driver::types::lookupTypeForExtension(Extension);
    bool NamedLikeHeader =
        Type != driver::types::TY_INVALID && driver::types::onlyPrecompileType(Type);
    if (SM.isWrittenInMainFile(Expansion))
      return Ctx.getLangOpts().IsHeaderFile || NamedLikeHeader;
    return NamedLikeHeader || Type == driver::types::TY_INVALID;
  }

  /// The file the entrypoint #includes to call the task: the header with an
  /// inline definition (emitted only where it is used, so a declaration
  /// would not link) or the header defining a static member's class.
  /// Empty for other free functions, which are forward-declared.
  bool describeInclude(FunctionDecl *Def, SourceLocation At, ScannedTask &Task) {
    SourceLocation Needed;
    std::string What; // "class 'C' of static member task 'C::f'"
    if (const auto *MD = dyn_cast<CXXMethodDecl>(Def)) {
      const CXXRecordDecl *Class = MD->getParent()->getDefinition();
      if (!isHeader(Class->getLocation())) {
        error("task-scan-member-in-source", At,
              fmt::format("class '{}' of static member task '{}' must be defined "
                          "in a header so the generated entrypoint can include it",
                          Class->getQualifiedNameAsString(), Task.Name))
            .Notes.push_back({position(Class->getLocation()),
                              "class defined here, in a source file"});
        return false;
      }
      Needed = Class->getLocation();
      What = fmt::format("class '{}' of static member task '{}'",
                         Class->getQualifiedNameAsString(), Task.Name);
    }
    if (Def->isInlined()) {
      if (!isHeader(Def->getLocation())) {
        llvm::StringRef Keyword = Def->isConstexpr() ? "constexpr" : "inline";
        error("task-scan-inline-in-source", At,
              fmt::format("task '{}' is {} and defined in a source file: an "
                          "inline function is emitted only where it is used, so "
                          "the generated entrypoint could not call it; define it "
                          "in a header, or drop '{}'",
                          Task.Name,
                          Def->isConstexpr() ? "constexpr (so inline)" : "inline",
                          Keyword.str()))
            .Notes.push_back({position(Def->getLocation()), "defined here"});
        return false;
      }
      if (!Needed.isValid() || SM.getFileID(SM.getExpansionLoc(Needed)) !=
                                   SM.getFileID(SM.getExpansionLoc(Def->getLocation()))) {
        Needed = Def->getLocation();
        What = fmt::format("inline task '{}'", Task.Name);
      }
    }
    if (!Def->isInlined() && isHeader(Def->getLocation()))
      warning("task-scan-header-definition", At,
              fmt::format("task '{}' is defined in a header but not inline: the "
                          "generated entrypoint declares it and needs the one "
                          "source that includes this header to define it (a "
                          "second one is a multiple-definition link error, none "
                          "an undefined reference); mark it inline and the "
                          "entrypoint includes the header instead",
                          Task.Name))
          .Notes.push_back({position(Def->getLocation()), "defined here"});
    if (Needed.isInvalid())
      return true;
    Task.DeclaringHeader = position(Needed).File;
    if (!isIncludeSafePath(Task.DeclaringHeader)) {
      error("task-scan-header-path", At,
            fmt::format("the header defining {} has a path the generated "
                        "entrypoint cannot #include (it holds a quote, a "
                        "backslash, a control character or invalid UTF-8); "
                        "rename it",
                        What))
          .Notes.push_back({position(Needed), "defined here"});
      return false;
    }
    return true;
  }

  /// The enclosing namespaces, for a forward declaration.
  bool describeContext(FunctionDecl *FD, ScannedTask &Task, SourceLocation At) {
    if (isa<CXXMethodDecl>(FD))
      return true;
    for (const DeclContext *DC = FD->getDeclContext(); DC; DC = DC->getParent()) {
      if (const auto *NS = dyn_cast<NamespaceDecl>(DC))
        Task.Namespaces.insert(Task.Namespaces.begin(),
                               (NS->isInline() ? "inline " : "") +
                                   NS->getNameAsString());
      else if (!isa<TranslationUnitDecl>(DC) && !isa<LinkageSpecDecl>(DC)) {
        error("task-scan-not-a-function", At,
              "a task must be declared at namespace scope or be a static "
              "member function");
        return false;
      }
    }
    return true;
  }

  /// A default argument never applies: Flyte passes every input, and a run
  /// without one fails ("input 'b': missing"). Defaults may be written on
  /// any declaration, the definition's inherit them.
  void warnDefaultArguments(FunctionDecl *Def, const ScannedTask &Task) {
    for (unsigned I = 0; I < Def->getNumParams(); ++I)
      for (const FunctionDecl *R : Def->redecls()) {
        const ParmVarDecl *P = R->getParamDecl(I);
        if (!P->hasDefaultArg() || P->hasInheritedDefaultArg())
          continue;
        std::string Name = Def->getParamDecl(I)->getName().str();
        Result.Diagnostics
            .warning("task-scan-default-argument", Task.Annotation,
                     fmt::format("the default argument of parameter '{}' of task "
                                 "'{}' is never used: Flyte passes every input, "
                                 "so '{}' must be given in every run",
                                 Name, Task.Name, Name))
            .Notes.push_back({position(P->getLocation()), "default argument given here"});
        break;
      }
  }

  bool describeSignature(FunctionDecl *Def, ScannedTask &Task) {
    bool Ok = true;
    const PrintingPolicy Policy(Ctx.getLangOpts());
    for (const ParmVarDecl *P : Def->parameters()) {
      if (P->getName().empty()) {
        error("task-scan-unnamed-parameter", P->getBeginLoc(),
              fmt::format("every parameter of task '{}' needs a name (it is the "
                          "Flyte input's name)",
                          Task.Name));
        Ok = false;
        continue;
      }
      TaskValue In;
      In.Name = P->getNameAsString();
      In.CppType = P->getType().getAsString(Policy);
      QualType T = P->getType();
      if (const auto *Ref = T->getAs<ReferenceType>()) {
        QualType Pointee = Ref->getPointeeType();
        if (!T->isLValueReferenceType() || !Pointee.isConstQualified() ||
            Pointee.isVolatileQualified()) {
          error("task-scan-parameter-type", P->getLocation(),
                fmt::format("parameter '{}' of type '{}' is not supported: pass "
                            "by value or by const reference",
                            In.Name, In.CppType));
          Ok = false;
          continue;
        }
        In.ByConstRef = true;
        T = Pointee;
      }
      auto VT = valueType(T, Ctx);
      if (!VT) {
        error("task-scan-parameter-type", P->getLocation(),
              fmt::format("parameter '{}' has unsupported type '{}'; supported: {}",
                          In.Name, In.CppType, SupportedTypes));
        Ok = false;
        continue;
      }
      In.Type = VT->first;
      In.ValueType = VT->second;
      Task.Inputs.push_back(std::move(In));
    }

    warnDefaultArguments(Def, Task);

    QualType Ret = Def->getReturnType();
    std::string Written = Ret.getAsString(Policy);
    SourceLocation ReturnAt = Def->getReturnTypeSourceRange().isValid()
                                  ? Def->getReturnTypeSourceRange().getBegin()
                                  : Def->getLocation();
    auto ReturnError = [&] {
      error("task-scan-return-type", ReturnAt,
            fmt::format("task '{}' returns unsupported type '{}'; supported: void, "
                        "{}, or std::tuple/std::pair of them",
                        Task.Name, Written, ScalarReturnTypes));
      return false;
    };
    // Flyte's raw-container data path (CoPilot's uploader) takes only
    // primitives and files: a list output would fail on the cluster after
    // the task ran.
    auto ListReturnError = [&](QualType T) {
      error("task-scan-list-output", ReturnAt,
            fmt::format("task '{}' returns a list ('{}'): Flyte's raw-container "
                        "data path (CoPilot) uploads only primitives and files, "
                        "so a list output would fail on the cluster after the "
                        "task ran; return a std::filesystem::path to a file "
                        "holding the elements instead",
                        Task.Name, T.getAsString(Policy)));
      return false;
    };
    if (Ret->isVoidType())
      return Ok;
    if (Ret->isReferenceType())
      return ReturnError();
    bool ListOutput = false;
    auto addOutput = [&](QualType T) {
      auto VT = valueType(T, Ctx);
      if (!VT)
        return false;
      if (VT->first.IsList) {
        ListOutput = true;
        return ListReturnError(T);
      }
      TaskValue Out;
      Out.Name = "o" + std::to_string(Task.Outputs.size());
      Out.CppType = T.getAsString(Policy);
      Out.Type = VT->first;
      Out.ValueType = VT->second;
      Task.Outputs.push_back(std::move(Out));
      return true;
    };
    if (addOutput(Ret)) {
      Task.ReturnType = Task.Outputs[0].ValueType;
      return Ok;
    }
    if (ListOutput)
      return false;
    QualType Canon = Ret.getCanonicalType().getUnqualifiedType();
    const ClassTemplateSpecializationDecl *Tuple = stdTemplate(Canon, "tuple");
    const ClassTemplateSpecializationDecl *Pair = stdTemplate(Canon, "pair");
    if (!Tuple && !Pair)
      return ReturnError();
    llvm::SmallVector<QualType, 4> Elements;
    for (const TemplateArgument &Arg : (Tuple ? Tuple : Pair)->getTemplateArgs().asArray()) {
      if (Arg.getKind() == TemplateArgument::Pack) {
        for (const TemplateArgument &E : Arg.pack_elements())
          Elements.push_back(E.getAsType());
      } else if (Arg.getKind() == TemplateArgument::Type) {
        Elements.push_back(Arg.getAsType());
      }
    }
    if (Elements.empty())
      return ReturnError();
    std::vector<std::string> Spelled;
    for (QualType E : Elements) {
      if (!addOutput(E))
        return ListOutput ? false : ReturnError();
      Spelled.push_back(Task.Outputs.back().ValueType);
    }
    Task.ReturnsTuple = true;
    Task.ReturnType = fmt::format("std::{}<{}>", Tuple ? "tuple" : "pair",
                                  fmt::join(Spelled, ", "));
    return Ok;
  }

  /// Parses the annotation's text, looks up constant names from where the
  /// annotation was written and validates keys and values.
  bool readArguments(const AnnotateAttr *Attr, const Decl *Annotated,
                     ScannedTask &Task) {
    SourceLocation At = Attr->getLocation();
    const StringLiteral *Text = annotationText(Attr);
    if (!Text) {
      error("task-scan-annotation", At,
            "malformed FLYTE_TASK annotation (is flyte/task.hpp up to date?)");
      return false;
    }
    auto Parsed = parseAnnotationArguments(Text->getString());
    if (auto *Message = std::get_if<std::string>(&Parsed)) {
      error("task-scan-annotation", At,
            fmt::format("malformed FLYTE_TASK arguments: {}", *Message));
      return false;
    }
    auto &Args = std::get<std::vector<AnnotationArgument>>(Parsed);
    bool Ok = true;
    for (AnnotationArgument &Arg : Args) {
      const auto *Name = std::get_if<ConstantName>(&Arg.Value);
      if (!Name)
        continue;
      auto Value = evaluateConstant(*Name, Annotated->getLexicalDeclContext());
      if (auto *Message = std::get_if<std::string>(&Value)) {
        error("task-scan-constant", At,
              fmt::format("value of '{}': {}", Arg.Key, *Message));
        Ok = false;
        continue;
      }
      Arg.Value = std::get<ArgumentValue>(Value);
    }
    if (!Ok)
      return false;
    for (const ArgumentProblem &P : validateTaskArguments(Args, Task.Options)) {
      error(P.Check, At, P.Message);
      Ok = false;
    }
    return Ok;
  }

  /// Looks \p Name up as C++ would from \p From (enclosing scopes outward,
  /// using-directives included) and evaluates the constant it names.
  std::variant<ArgumentValue, std::string> evaluateConstant(const ConstantName &Name,
                                                           const DeclContext *From) {
    const NamedDecl *Found = nullptr;
    for (const DeclContext *DC = Name.Global ? Ctx.getTranslationUnitDecl() : From;
         DC && !Found; DC = DC->getParent())
      Found = lookupPath(DC, Name.Parts);
    const auto *VD = dyn_cast_or_null<VarDecl>(Found);
    if (!VD)
      return fmt::format("'{}' does not name a constant visible here",
                         Name.spelling());
    if (!VD->isConstexpr() && !VD->getType().isConstQualified())
      return fmt::format("'{}' is not a constexpr constant", Name.spelling());
    const Expr *Init = VD->getAnyInitializer();
    if (!Init)
      return fmt::format("'{}' has no initializer here", Name.spelling());
    QualType T = VD->getType().getCanonicalType();
    if (T->isBooleanType() || T->isIntegralOrEnumerationType()) {
      const APValue *V = VD->evaluateValue();
      if (!V || !V->isInt())
        return fmt::format("'{}' is not a constant expression", Name.spelling());
      if (T->isBooleanType())
        return ArgumentValue(V->getInt().getBoolValue());
      return ArgumentValue(V->getInt().getSExtValue());
    }
    const Expr *E = Init->IgnoreImplicit();
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(E)) // std::string_view
      E = Construct->getNumArgs() == 1 ? Construct->getArg(0)->IgnoreImplicit()
                                       : nullptr;
    if (E) {
      if (const auto *S = dyn_cast<StringLiteral>(E->IgnoreParens()))
        if (S->isOrdinary())
          return ArgumentValue(S->getString().str());
      if (E->getType()->isPointerType())
        if (auto S = E->tryEvaluateString(Ctx))
          return ArgumentValue(*S);
    }
    return fmt::format("'{}' must be a string, integer or bool constant",
                       Name.spelling());
  }

  static const NamedDecl *lookupIn(const DeclContext *DC, llvm::StringRef Part,
                                   unsigned Depth = 0) {
    if (Depth > 8) // using-directive cycles
      return nullptr;
    IdentifierInfo *II = &DC->getParentASTContext().Idents.get(Part);
    for (const NamedDecl *ND : DC->lookup(II))
      return ND;
    for (const UsingDirectiveDecl *U : DC->using_directives())
      if (const NamedDecl *ND = lookupIn(U->getNominatedNamespace(), Part, Depth + 1))
        return ND;
    // Members of an inline namespace are members of its parent.
    for (const Decl *D : DC->decls())
      if (const auto *NS = dyn_cast<NamespaceDecl>(D))
        if (NS->isInline())
          if (const NamedDecl *ND = lookupIn(NS, Part, Depth + 1))
            return ND;
    return nullptr;
  }

  static const NamedDecl *lookupPath(const DeclContext *DC,
                                     const std::vector<std::string> &Parts) {
    const NamedDecl *Current = nullptr;
    for (size_t I = 0; I < Parts.size(); ++I) {
      if (I) {
        if (const auto *Alias = dyn_cast<NamespaceAliasDecl>(Current))
          Current = Alias->getNamespace();
        DC = dyn_cast<DeclContext>(Current);
        if (!DC)
          return nullptr;
      }
      Current = lookupIn(DC, Parts[I]);
      if (!Current)
        return nullptr;
    }
    return Current;
  }

  ASTContext &Ctx;
  const SourceManager &SM;
  llvm::StringRef WorkingDirectory;
  TranslationUnitResult &Result;
  bool HeadersMissing;
  llvm::SetVector<FunctionDecl *> Functions;
};

class AnnotationVisitor : public RecursiveASTVisitor<AnnotationVisitor> {
public:
  explicit AnnotationVisitor(Extractor &E) : E(E) {}
  bool VisitDecl(Decl *D) {
    if (D->hasAttrs())
      if (const AnnotateAttr *A = taskAnnotation(D))
        E.handle(D, A);
    return true;
  }

private:
  Extractor &E;
};

} // namespace

void extractTasks(ASTContext &Ctx, llvm::StringRef WorkingDirectory,
                  TranslationUnitResult &Result, bool HeadersMissing,
                  bool OwnDeclarationsOnly) {
  Extractor E(Ctx, WorkingDirectory, Result, HeadersMissing);
  AnnotationVisitor Visitor(E);
  if (OwnDeclarationsOnly) {
    // The top-level declarations parsed here; a namespace reopened here
    // holds only what is written here.
    for (Decl *D : Ctx.getTranslationUnitDecl()->noload_decls())
      Visitor.TraverseDecl(D);
  } else {
    Visitor.TraverseDecl(Ctx.getTranslationUnitDecl());
  }
  E.finish();
}

namespace {

/// Every annotated function definition, for hashCachedTaskCode.
class DefinitionVisitor : public RecursiveASTVisitor<DefinitionVisitor> {
public:
  std::vector<const FunctionDecl *> Definitions;
  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (FD->doesThisDeclarationHaveABody() && !FD->isTemplateInstantiation() &&
        taskAnnotation(FD))
      Definitions.push_back(FD);
    return true;
  }
};

} // namespace

void hashCachedTaskCode(ASTContext &Ctx, llvm::StringRef WorkingDirectory,
                        TranslationUnitResult &Result) {
  DefinitionVisitor Visitor;
  Visitor.TraverseDecl(Ctx.getTranslationUnitDecl());
  const SourceManager &SM = Ctx.getSourceManager();
  for (ScannedTask &Task : Result.Tasks) {
    if (!Task.Options.Cache)
      continue;
    for (const FunctionDecl *Def : Visitor.Definitions)
      if (positionOf(SM, Def->getLocation(), WorkingDirectory) == Task.Definition)
        Task.CodeHash = taskCodeHash(Def, SM);
  }
}

} // namespace taskscan
