using FourM.Generation;

namespace FourM.Silo.Lifecycle;

/// <summary>
/// The generation layer reports impossible requests with <see cref="GenerationPlanException"/>, which Orleans cannot
/// serialize: callers would get a codec error instead of the reason. Rethrown as an <see cref="ArgumentException"/>
/// (which travels), so the client SDK and the gateway answer "bad request" with the planner's message.
/// </summary>
public sealed class PlanErrorCallFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (GenerationPlanException ex)
        {
            throw new ArgumentException(ex.Message);
        }
    }
}
