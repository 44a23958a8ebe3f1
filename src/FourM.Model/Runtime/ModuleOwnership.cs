using static TorchSharp.torch;

namespace FourM.Model.Runtime;

/// <summary>
/// A module's parameters and buffers belong to the module. Tensors (parameters included) created while a dispose scope is open
/// on the thread join that scope, which disposes them when it ends: a model built or re-laid-out inside a caller's scope
/// would be left with invalid handles. Builders call this when they are done.
/// </summary>
public static class ModuleOwnership
{
    public static void KeepOutOfDisposeScopes(nn.Module module)
    {
        foreach (var parameter in module.parameters()) parameter.DetachFromDisposeScope();
        foreach (var buffer in module.buffers()) buffer.DetachFromDisposeScope();
    }
}
