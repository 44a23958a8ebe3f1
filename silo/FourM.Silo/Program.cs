using FourM.Model.Runtime;
using FourM.Silo.Hosting;

OpenMpWaitPolicy.PreferPassive();

return await SiloApp.RunAsync(args);
