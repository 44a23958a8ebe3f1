namespace FourM.Grains.Interfaces.Sessions;

public enum SessionPhase { Created = 0, Running = 1, Completed = 2, Failed = 3, Cancelled = 4 }
