//===- Task.cpp - Scanned tasks as data -----------------------------------===//
#include "taskscan/Task.h"

namespace taskscan {

std::string FlyteType::name() const {
  const char *Base = "int";
  switch (Kind) {
  case FlyteKind::Bool: Base = "bool"; break;
  case FlyteKind::Int: Base = "int"; break;
  case FlyteKind::Float: Base = "float"; break;
  case FlyteKind::String: Base = "str"; break;
  case FlyteKind::File: Base = "FlyteFile"; break;
  }
  return IsList ? "List[" + std::string(Base) + "]" : Base;
}

std::string ScannedTask::identity() const {
  std::string Id = Function + "(";
  for (const TaskValue &In : Inputs)
    Id += (In.ByConstRef ? "const " : "") + In.ValueType + ",";
  return Id + ")";
}

// JSON round trip, for the result cache. Field names are short and stable.
namespace {

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

Value valueToJson(const TaskValue &V) {
  return Object{{"name", V.Name},
                {"cpp", V.CppType},
                {"value", V.ValueType},
                {"cref", V.ByConstRef},
                {"kind", int(V.Type.Kind)},
                {"list", V.Type.IsList}};
}

bool valueFromJson(const Value &J, TaskValue &V) {
  const Object *O = J.getAsObject();
  if (!O)
    return false;
  auto Name = O->getString("name"), Cpp = O->getString("cpp"),
       ValueType = O->getString("value");
  auto CRef = O->getBoolean("cref"), List = O->getBoolean("list");
  auto Kind = O->getInteger("kind");
  if (!Name || !Cpp || !ValueType || !CRef || !List || !Kind || *Kind < 0 ||
      *Kind > int(FlyteKind::File))
    return false;
  V = {Name->str(), Cpp->str(), ValueType->str(), *CRef,
       {FlyteKind(*Kind), *List}};
  return true;
}

Value optionalString(const std::optional<std::string> &S) {
  return S ? Value(*S) : Value(nullptr);
}

bool readOptionalString(const Object &O, llvm::StringRef Key,
                        std::optional<std::string> &Out) {
  const Value *V = O.get(Key);
  if (!V)
    return false;
  if (V->getAsNull()) {
    Out.reset();
    return true;
  }
  auto S = V->getAsString();
  if (!S)
    return false;
  Out = S->str();
  return true;
}

Value pairsToJson(const std::vector<std::pair<std::string, std::string>> &Pairs) {
  Array A;
  for (const auto &[K, V] : Pairs)
    A.push_back(Array{K, V});
  return A;
}

bool pairsFromJson(const Value *J,
                   std::vector<std::pair<std::string, std::string>> &Pairs) {
  const Array *A = J ? J->getAsArray() : nullptr;
  if (!A)
    return false;
  for (const Value &P : *A) {
    const Array *KV = P.getAsArray();
    if (!KV || KV->size() != 2 || !(*KV)[0].getAsString() ||
        !(*KV)[1].getAsString())
      return false;
    Pairs.emplace_back((*KV)[0].getAsString()->str(),
                       (*KV)[1].getAsString()->str());
  }
  return true;
}

template <typename T, typename F>
bool arrayFromJson(const Value *J, std::vector<T> &Out, F &&Read) {
  const Array *A = J ? J->getAsArray() : nullptr;
  if (!A)
    return false;
  for (const Value &E : *A) {
    T Item;
    if (!Read(E, Item))
      return false;
    Out.push_back(std::move(Item));
  }
  return true;
}

} // namespace

Value toJson(const ScannedTask &T) {
  Array Inputs, Outputs, Namespaces;
  for (const TaskValue &V : T.Inputs)
    Inputs.push_back(valueToJson(V));
  for (const TaskValue &V : T.Outputs)
    Outputs.push_back(valueToJson(V));
  for (const std::string &N : T.Namespaces)
    Namespaces.push_back(N);
  const TaskOptions &O = T.Options;
  return Object{
      {"name", T.Name},
      {"function", T.Function},
      {"annotation", toJson(T.Annotation)},
      {"definition", toJson(T.Definition)},
      {"header", T.DeclaringHeader},
      {"namespaces", std::move(Namespaces)},
      {"unqualified", T.UnqualifiedName},
      {"extern_c", T.IsExternC},
      {"inputs", std::move(Inputs)},
      {"outputs", std::move(Outputs)},
      {"return", T.ReturnType},
      {"tuple", T.ReturnsTuple},
      {"container_image", optionalString(O.ContainerImage)},
      {"explicit_name", optionalString(O.Name)},
      {"retries", O.Retries},
      {"timeout", optionalString(O.Timeout)},
      {"timeout_seconds", O.TimeoutSeconds},
      {"cache", O.Cache},
      {"cache_version", optionalString(O.CacheVersion)},
      {"code_hash", optionalString(T.CodeHash)},
      {"requests", pairsToJson(O.Requests)},
      {"limits", pairsToJson(O.Limits)},
  };
}

bool fromJson(const Value &J, ScannedTask &T) {
  const Object *O = J.getAsObject();
  if (!O)
    return false;
  auto Str = [&](llvm::StringRef Key, std::string &Out) {
    auto S = O->getString(Key);
    if (S)
      Out = S->str();
    return S.has_value();
  };
  auto ReadName = [](const Value &V, std::string &Out) {
    auto S = V.getAsString();
    if (S)
      Out = S->str();
    return S.has_value();
  };
  TaskOptions &Opt = T.Options;
  auto ExternC = O->getBoolean("extern_c"), Tuple = O->getBoolean("tuple"),
       Cache = O->getBoolean("cache");
  auto Retries = O->getInteger("retries"),
       TimeoutSeconds = O->getInteger("timeout_seconds");
  const Value *Annotation = O->get("annotation"), *Definition = O->get("definition");
  if (!Str("name", T.Name) || !Str("function", T.Function) ||
      !Str("header", T.DeclaringHeader) || !Str("unqualified", T.UnqualifiedName) ||
      !Str("return", T.ReturnType) || !ExternC || !Tuple || !Cache || !Retries ||
      !TimeoutSeconds || !Annotation || !Definition ||
      !fromJson(*Annotation, T.Annotation) || !fromJson(*Definition, T.Definition) ||
      !arrayFromJson(O->get("namespaces"), T.Namespaces, ReadName) ||
      !arrayFromJson(O->get("inputs"), T.Inputs, valueFromJson) ||
      !arrayFromJson(O->get("outputs"), T.Outputs, valueFromJson) ||
      !readOptionalString(*O, "container_image", Opt.ContainerImage) ||
      !readOptionalString(*O, "explicit_name", Opt.Name) ||
      !readOptionalString(*O, "timeout", Opt.Timeout) ||
      !readOptionalString(*O, "cache_version", Opt.CacheVersion) ||
      !readOptionalString(*O, "code_hash", T.CodeHash) ||
      !pairsFromJson(O->get("requests"), Opt.Requests) ||
      !pairsFromJson(O->get("limits"), Opt.Limits))
    return false;
  T.IsExternC = *ExternC;
  T.ReturnsTuple = *Tuple;
  Opt.Cache = *Cache;
  Opt.Retries = *Retries;
  Opt.TimeoutSeconds = *TimeoutSeconds;
  return true;
}

Value toJson(const TranslationUnitResult &R) {
  Array Tasks, Declared, Deps;
  for (const ScannedTask &T : R.Tasks)
    Tasks.push_back(toJson(T));
  for (const auto &[Id, Where] : R.DeclaredOnly)
    Declared.push_back(Object{{"id", Id}, {"at", toJson(Where)}});
  for (const std::string &D : R.Dependencies)
    Deps.push_back(D);
  return Object{{"main_file", R.MainFile},
                {"tasks", std::move(Tasks)},
                {"diagnostics", toJson(R.Diagnostics)},
                {"declared_only", std::move(Declared)},
                {"dependencies", std::move(Deps)}};
}

bool fromJson(const Value &J, TranslationUnitResult &R) {
  const Object *O = J.getAsObject();
  if (!O)
    return false;
  auto Main = O->getString("main_file");
  if (!Main)
    return false;
  R.MainFile = Main->str();
  auto ReadTask = [](const Value &V, ScannedTask &T) { return fromJson(V, T); };
  auto ReadDiag = [](const Value &V, Diagnostic &D) { return fromJson(V, D); };
  auto ReadDeclared = [](const Value &V,
                         std::pair<std::string, SourcePosition> &Out) {
    const Object *D = V.getAsObject();
    auto Id = D ? D->getString("id") : std::nullopt;
    const Value *At = D ? D->get("at") : nullptr;
    if (!Id || !At || !fromJson(*At, Out.second))
      return false;
    Out.first = Id->str();
    return true;
  };
  auto ReadString = [](const Value &V, std::string &Out) {
    auto S = V.getAsString();
    if (S)
      Out = S->str();
    return S.has_value();
  };
  return arrayFromJson(O->get("tasks"), R.Tasks, ReadTask) &&
         arrayFromJson(O->get("diagnostics"), R.Diagnostics.items(), ReadDiag) &&
         arrayFromJson(O->get("declared_only"), R.DeclaredOnly, ReadDeclared) &&
         arrayFromJson(O->get("dependencies"), R.Dependencies, ReadString);
}

} // namespace taskscan
