Console.WriteLine("fourm: not yet");
